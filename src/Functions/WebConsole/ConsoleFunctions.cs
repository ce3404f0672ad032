using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;

namespace Functions.WebConsole;

/// <summary>
/// The operator console: <c>GET /console</c> is its page, <c>GET /console/{asset}</c> its script and stylesheet.
/// Public files with no secret in them: the page signs in with an API key and calls the same API as any client.
/// </summary>
public sealed class ConsoleFunctions(StaticContent content)
{
    /// <summary>The assets the page loads (anything else under /console is a 404).</summary>
    public static readonly IReadOnlySet<string> Assets = new HashSet<string>(StringComparer.Ordinal) { "console.js", "console.css" };

    [LambdaFunction("ConsolePageFunction", MemorySize = 128, Timeout = 5, Description = "Serves the operator console's page.")]
    [HttpApi("GET", "/console")]
    [ApiResponse(200, "The console's HTML page (text/html).", Headers = ["Content-Security-Policy", "ETag"])]
    public HttpApiResponse Page(HttpApiRequest request, InvocationContext context) => content.Serve("console/index.html", request);

    [LambdaFunction("ConsoleAssetFunction", MemorySize = 128, Timeout = 5, Description = "Serves the operator console's script and stylesheet.")]
    [HttpApi("GET", "/console/{asset}")]
    [ApiResponse(200, "console.js or console.css.", Headers = ["ETag"])]
    [ApiResponse(404, "No such asset.")]
    public HttpApiResponse Asset(HttpApiRequest request, InvocationContext context)
    {
        var asset = request.PathParameter("asset");
        return asset is not null && Assets.Contains(asset)
            ? content.Serve("console/" + asset, request)
            : HttpResults.NotFound($"No console asset {asset}.", context.RequestId);
    }
}
