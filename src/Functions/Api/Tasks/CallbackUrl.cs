using Functions.Callbacks;
using Functions.Hosting.Http;

namespace Functions.Api.Tasks;

/// <summary>
/// The guide's default target, the project's own callback route: under CALLBACK_BASE_URL when set (local runs),
/// otherwise on the API the request came in by (its domain and stage, as API Gateway reports them).
/// </summary>
public sealed class CallbackUrl(string? configuredBase)
{
    public string For(HttpApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.IsNullOrWhiteSpace(configuredBase))
        {
            return configuredBase.TrimEnd('/') + CallbackFunctions.TaskCallbackPath;
        }

        var context = request.RequestContext;
        var stage = context?.Stage is { Length: > 0 } s && s != "$default" ? "/" + s : string.Empty;
        return $"https://{context?.DomainName ?? request.Header("host")}{stage}{CallbackFunctions.TaskCallbackPath}";
    }
}
