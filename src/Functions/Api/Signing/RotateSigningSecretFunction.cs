using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Tasks.Callers;

namespace Functions.Api.Signing;

/// <summary>
/// <c>POST /api/v1/signing-secret/rotate</c>: starts a new secret for the calling service; the current one signs beside
/// it for the grace period (24 h by default). The bootstrap caller's secret is the master secret: it rotates in SSM.
/// </summary>
public sealed class RotateSigningSecretFunction(SigningSecrets secrets)
{
    [LambdaFunction("RotateSigningSecretFunction", MemorySize = 256, Timeout = 10, Description = "Starts a new webhook signing secret for a caller.")]
    [HttpApi("POST", "/api/v1/signing-secret/rotate")]
    [ApiResponse(200, "The new secret and the one signing beside it until the grace period ends.", Body = typeof(SigningSecretResponse), Headers = ["Cache-Control"])]
    [ApiResponse(409, "The bootstrap caller rotates in SSM, or the previous secret is still in its grace period.")]
    [RequiresApiToken]
    [UsesTaskTable(TableAccess.Update, "caller#*")]
    [UsesSigningSecret]
    public async Task<HttpApiResponse> Rotate(HttpApiRequest request, InvocationContext context)
    {
        var caller = request.CallerOf();
        var result = await secrets.RotateAsync(caller.Name, context.CancellationToken).ConfigureAwait(false);
        return SigningResults.Rotated(caller.Name, result, context.RequestId);
    }
}
