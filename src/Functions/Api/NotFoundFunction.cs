using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;

namespace Functions.Api;

/// <summary>
/// The HTTP API's default route: every request no route matches gets 404 (or 405 with Allow when the path has
/// routes for other methods) as problem+json, on AWS as in the local runner, instead of API Gateway's own
/// <c>{"message":"Not Found"}</c>. Public: no key is needed to learn a path does not exist.
/// </summary>
public sealed class NotFoundFunction(RouteTable routes)
{
    [LambdaFunction("NotFoundFunction", MemorySize = 256, Timeout = 10, Description = "Default route: 404/405 problem+json for unmatched requests.")]
    [HttpApi("ANY", HttpRoute.Default)]
    public HttpApiResponse Answer(HttpApiRequest request, InvocationContext context) =>
        routes.Unmatched(request.RequestContext?.Http?.Method ?? "GET", request.RawPath ?? "/", context.RequestId);
}
