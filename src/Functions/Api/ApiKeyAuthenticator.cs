using System.Security.Cryptography;
using System.Text;
using Functions.Hosting.Http;
using Functions.Tasks.Callers;

namespace Functions.Api;

/// <summary>
/// Checks <c>Authorization: Bearer &lt;key&gt;</c>: the bootstrap key (the admin caller; compared in constant time, both
/// sides hashed first so neither length nor content leaks through timing), or a caller's key
/// (<see cref="ApiKeyService.AuthenticateAsync"/>: found by its id, its hash compared in constant time, refused when
/// revoked). The composition root reads the bootstrap key once per execution environment (TASKS_API_TOKEN locally,
/// the SSM SecureString in AWS); no key is ever logged.
/// </summary>
public sealed class ApiKeyAuthenticator : IRequestAuthenticator
{
    private const string Scheme = "Bearer ";
    private readonly byte[] _bootstrap;
    private readonly ApiKeyService _keys;

    public ApiKeyAuthenticator(string bootstrapKey, ApiKeyService keys)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapKey);
        _bootstrap = SHA256.HashData(Encoding.UTF8.GetBytes(bootstrapKey));
        _keys = keys;
    }

    public async ValueTask<AuthenticationResult> AuthenticateAsync(HttpApiRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Header("authorization");
        if (header is not null && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            var presented = header[Scheme.Length..].Trim();
            if (CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _bootstrap))
            {
                return AuthenticationResult.Authenticated(new RequestCaller(Caller.Bootstrap.Name, Caller.Bootstrap.IsAdmin));
            }

            if (await _keys.AuthenticateAsync(presented, cancellationToken).ConfigureAwait(false) is { } caller)
            {
                return AuthenticationResult.Authenticated(new RequestCaller(caller.Name, caller.IsAdmin));
            }
        }

        return AuthenticationResult.Refused(HttpResults.Problem(
            new ProblemDetails
            {
                Title = "Unauthorized",
                Status = 401,
                Detail = header is null ? "The Authorization header is missing; send Authorization: Bearer <key>." : "The bearer key is not valid (unknown, revoked or malformed).",
                RequestId = request.RequestContext?.RequestId,
                Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["authorization"] = [header is null ? "missing" : "invalid"] },
            },
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["www-authenticate"] = "Bearer" }));
    }
}

/// <summary>The domain's caller of an authenticated request.</summary>
public static class RequestCallers
{
    /// <summary>The caller the entry point authenticated; a route without authentication has none, which is a bug.</summary>
    public static Caller CallerOf(this HttpApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Caller is { } caller
            ? new Caller(caller.Name, caller.IsAdmin)
            : throw new InvalidOperationException("The route has no authenticated caller: its function lacks [RequiresApiToken].");
    }
}
