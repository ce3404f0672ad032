using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Tasks.Callers;

namespace Functions.Api.Keys;

/// <summary><c>GET /api/v1/keys</c> (admins): every key's id, caller, creation and last day of use; never a key.</summary>
public sealed class ListKeysFunction(ApiKeyService keys)
{
    [LambdaFunction("ListKeysFunction", MemorySize = 256, Timeout = 10, Description = "Lists the API keys (never the keys themselves).")]
    [HttpApi("GET", "/api/v1/keys")]
    [ApiResponse(200, "Every key's id, caller and use; never a key.", Body = typeof(KeyListResponse))]
    [RequiresApiToken(AdminOnly = true)]
    [UsesTaskTable(TableAccess.Query | TableAccess.BatchRead, "apikey#*")]
    public async Task<HttpApiResponse> List(HttpApiRequest request, InvocationContext context)
    {
        var listed = await keys.ListAsync(context.CancellationToken).ConfigureAwait(false);
        return HttpResults.Json(200, new KeyListResponse([.. listed.Select(KeyResponse.From)]), FunctionsJsonContext.Default.KeyListResponse);
    }
}
