using System.Security.Cryptography;
using System.Text;
using Functions.Hosting.Http;
using Functions.Tasks.Callers;
using Microsoft.Extensions.Logging;

namespace Functions.Api;

/// <summary>
/// The API's edge check, run by the HTTP API's Lambda authorizer before any protected route's function:
/// <c>Authorization: Bearer &lt;key&gt;</c> is the bootstrap key (the admin caller; compared in constant time, both
/// sides hashed first so neither length nor content leaks through timing) or a caller's live key
/// (<see cref="ApiKeyService.AuthenticateAsync"/>). Allowed, the caller's name and admin flag travel to the function in
/// the authorizer context; refused, API Gateway answers 403 itself. The composition root reads the bootstrap key
/// once per execution environment (TASKS_API_TOKEN locally, the SSM SecureString in AWS); no key is ever logged.
/// </summary>
public sealed partial class ApiKeyAuthorizer
{
    private const string Scheme = "Bearer ";
    private readonly byte[] _bootstrap;
    private readonly ApiKeyService _keys;
    private readonly ILogger<ApiKeyAuthorizer> _logger;

    public ApiKeyAuthorizer(string bootstrapKey, ApiKeyService keys, ILogger<ApiKeyAuthorizer> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapKey);
        _bootstrap = SHA256.HashData(Encoding.UTF8.GetBytes(bootstrapKey));
        _keys = keys;
        _logger = logger;
    }

    /// <summary>Allows the request as its key's caller, or refuses it (no event, no bearer key, an unknown or revoked key).</summary>
    public async Task<HttpApiAuthorizerResponse> AuthorizeAsync(HttpApiAuthorizerRequest? request, CancellationToken cancellationToken)
    {
        var caller = await CallerAsync(request?.Authorization, cancellationToken).ConfigureAwait(false);
        if (caller is null)
        {
            LogRefused(_logger, request?.RouteKey ?? "(no event)");
            return HttpApiAuthorizerResponse.Refused;
        }

        return AuthorizerContext.Allow(caller);
    }

    private async Task<RequestCaller?> CallerAsync(string? header, CancellationToken cancellationToken)
    {
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var presented = header[Scheme.Length..].Trim();
        if (CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _bootstrap))
        {
            return new RequestCaller(Caller.Bootstrap.Name, Caller.Bootstrap.IsAdmin);
        }

        return await _keys.AuthenticateAsync(presented, cancellationToken).ConfigureAwait(false) is { } caller
            ? new RequestCaller(caller.Name, caller.IsAdmin)
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a request to {RouteKey}: no live bearer key")]
    private static partial void LogRefused(ILogger logger, string routeKey);
}

/// <summary>The domain's caller of an authorized request.</summary>
public static class RequestCallers
{
    /// <summary>The caller the authorizer allowed; a route without the authorizer has none, which is a bug.</summary>
    public static Caller CallerOf(this HttpApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Caller is { } caller
            ? new Caller(caller.Name, caller.IsAdmin)
            : throw new InvalidOperationException("The route has no authorized caller: its function lacks [RequiresApiToken].");
    }
}
