using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.WebConsole;

namespace Functions.Api;

/// <summary>
/// <c>GET /api/v1/openapi.json</c>: the API's OpenAPI 3.1 description (the committed openapi.json, generated from the
/// handlers' attributes), public, for client generators and reviewers.
/// </summary>
public sealed class OpenApiFunction(StaticContent content)
{
    private static readonly Dictionary<string, string> AnyOrigin = new(StringComparer.OrdinalIgnoreCase) { ["access-control-allow-origin"] = "*" };

    [LambdaFunction("OpenApiFunction", MemorySize = 128, Timeout = 5, Description = "Serves the API's OpenAPI document.")]
    [HttpApi("GET", "/api/v1/openapi.json")]
    [ApiResponse(200, "This document (application/json).", Headers = ["ETag"])]
    public HttpApiResponse Get(HttpApiRequest request, InvocationContext context) => content.Serve("openapi.json", request, AnyOrigin);
}
