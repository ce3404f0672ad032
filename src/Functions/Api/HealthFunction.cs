using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Serialization;

namespace Functions.Api;

/// <summary><c>GET /api/v1/health</c>: the function is up, and which build it runs. No auth, no dependencies.</summary>
public sealed class HealthFunction(ServiceInfo service)
{
    [LambdaFunction("HealthFunction", MemorySize = 256, Timeout = 10, Description = "Liveness: answers status and version.")]
    [HttpApi("GET", "/api/v1/health")]
    [ApiResponse(200, "The service is up: its version.", Body = typeof(HealthResponse))]
    public HttpApiResponse Get(HttpApiRequest request, InvocationContext context) =>
        HttpResults.Json(200, new HealthResponse("ok", service.Version), FunctionsJsonContext.Default.HealthResponse);
}
