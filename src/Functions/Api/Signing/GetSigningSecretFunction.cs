using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks.Callers;

namespace Functions.Api.Signing;

/// <summary><c>GET /api/v1/signing-secret</c>: the calling service's own secret(s) to verify its deliveries with.</summary>
public sealed class GetSigningSecretFunction(SigningSecrets secrets)
{
    [LambdaFunction("GetSigningSecretFunction", MemorySize = 256, Timeout = 10, Description = "Shows a caller its own webhook signing secrets.")]
    [HttpApi("GET", "/api/v1/signing-secret")]
    [ApiResponse(200, "The caller's live signing secrets.", Body = typeof(SigningSecretResponse), Headers = ["Cache-Control"])]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Read, "caller#*")]
    [UsesSigningSecret]
    public async Task<HttpApiResponse> Get(HttpApiRequest request, InvocationContext context)
    {
        var caller = request.CallerOf();
        var shown = await secrets.ShowAsync(caller.Name, context.CancellationToken).ConfigureAwait(false);
        return SigningResults.Shown(caller.Name, shown);
    }
}
