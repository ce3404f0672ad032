using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;

namespace Functions.Api;

/// <summary>
/// The HTTP API's Lambda REQUEST authorizer (payload 2.0, simple responses): API Gateway calls it, with the
/// Authorization header as identity source and its answer cached, before every route marked
/// <see cref="RequiresApiTokenAttribute"/>; the local runner calls it the same way, without the cache.
/// </summary>
public sealed class AuthorizerFunction(ApiKeyAuthorizer authorizer)
{
    [LambdaFunction("AuthorizerFunction", MemorySize = 256, Timeout = 10, Description = "HTTP API authorizer: checks the caller's bearer key.")]
    [AuthorizesHttpApi]
    public async Task<Stream> Authorize(Stream @event, InvocationContext context)
    {
        var request = await AuthorizerContext.ReadAsync(@event, context.CancellationToken).ConfigureAwait(false);
        return AuthorizerContext.Write(await authorizer.AuthorizeAsync(request, context.CancellationToken).ConfigureAwait(false));
    }
}
