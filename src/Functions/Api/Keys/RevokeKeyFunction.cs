using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks.Callers;

namespace Functions.Api.Keys;

/// <summary><c>DELETE /api/v1/keys/{key_id}</c> (admins): revokes one key; 204, also the second time.</summary>
public sealed class RevokeKeyFunction(ApiKeyService keys)
{
    [LambdaFunction("RevokeKeyFunction", MemorySize = 256, Timeout = 10, Description = "Revokes one API key.")]
    [HttpApi("DELETE", "/api/v1/keys/{key_id}")]
    [ApiResponse(204, "Revoked.")]
    [ApiResponse(404, "No such key.")]
    [RequiresApiToken(AdminOnly = true)]
    [UsesTaskTable(TableAccess.Update, "apikey#*")]
    public async Task<HttpApiResponse> Revoke(HttpApiRequest request, InvocationContext context)
    {
        var keyId = request.PathParameter("key_id");
        if (!ApiKeyText.IsKeyId(keyId))
        {
            return HttpResults.BadRequest("key_id", "key_id must be 16 lower-case hexadecimal digits.", context.RequestId);
        }

        return await keys.RevokeAsync(keyId, context.CancellationToken).ConfigureAwait(false)
            ? new HttpApiResponse { StatusCode = 204 }
            : HttpResults.NotFound($"No key {keyId}.", context.RequestId);
    }
}
