using System.Security.Cryptography;
using System.Text;
using Functions.Hosting.Http;

namespace Functions.Api;

/// <summary>
/// Checks <c>Authorization: Bearer &lt;token&gt;</c> against the API token in constant time (both sides hashed first,
/// so neither the length nor the content leaks through timing). The composition root reads the token once per
/// execution environment (TASKS_API_TOKEN locally, the SSM SecureString in AWS); it is never logged.
/// </summary>
public sealed class ApiTokenAuthenticator : IRequestAuthenticator
{
    private const string Scheme = "Bearer ";
    private readonly byte[] _expected;

    public ApiTokenAuthenticator(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public AuthenticationResult Authenticate(HttpApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Header("authorization");
        if (header is not null && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()));
            if (CryptographicOperations.FixedTimeEquals(given, _expected))
            {
                return AuthenticationResult.Authenticated;
            }
        }

        return AuthenticationResult.Refused(HttpResults.Problem(
            new ProblemDetails
            {
                Title = "Unauthorized",
                Status = 401,
                Detail = header is null ? "The Authorization header is missing; send Authorization: Bearer <token>." : "The bearer token is not valid.",
                RequestId = request.RequestContext?.RequestId,
                Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["authorization"] = [header is null ? "missing" : "invalid"] },
            },
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["www-authenticate"] = "Bearer" }));
    }
}
