using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Tasks;
using Functions.Tasks.Callers;

namespace Functions.Api.Keys;

/// <summary><c>POST /api/v1/keys</c> (admins): issues an API key for a caller; the key is shown this once.</summary>
public sealed class CreateKeyFunction(ApiKeyService keys)
{
    [LambdaFunction("CreateKeyFunction", MemorySize = 256, Timeout = 10, Description = "Issues an API key for a named caller.")]
    [HttpApi("POST", "/api/v1/keys")]
    [ApiRequest(typeof(CreateKeyRequest))]
    [ApiResponse(201, "The key, shown this once.", Body = typeof(CreatedKeyResponse), Headers = ["Cache-Control"])]
    [RequiresApiToken(AdminOnly = true)]
    [UsesTaskTable(TableAccess.Create, "apikey#*")]
    public async Task<HttpApiResponse> Create(HttpApiRequest request, InvocationContext context)
    {
        if (!JsonBody.TryRead(request, context, FunctionsJsonContext.Default.CreateKeyRequest, out var body, out var invalid))
        {
            return invalid;
        }

        if (!CallerNames.IsValid(body.Caller) || body.Caller == Caller.BootstrapName)
        {
            return HttpResults.BadRequest("caller", body.Caller == Caller.BootstrapName ? CallerNames.Reserved : CallerNames.Rule, context.RequestId);
        }

        var (record, key) = await keys.CreateAsync(body.Caller, body.Admin ?? false, context.CancellationToken).ConfigureAwait(false);
        var created = new CreatedKeyResponse(record.KeyId, record.Caller, record.IsAdmin, key, Timestamps.Format(record.CreatedAt));
        return HttpResults.Json(201, created, FunctionsJsonContext.Default.CreatedKeyResponse, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["cache-control"] = "no-store" });
    }
}
