using System.Security.Cryptography;
using System.Text;
using Amazon.SimpleSystemsManagement;
using Functions.Hosting.Aws;
using Functions.Hosting.Http;
using Functions.Tasks;
using Microsoft.Extensions.Configuration;

namespace Functions.Api;

/// <summary>
/// Checks <c>Authorization: Bearer &lt;token&gt;</c> against the API token in constant time. The token is read
/// once per execution environment: from TASKS_API_TOKEN when set (local runs), otherwise from the SSM
/// SecureString named by TASKS_API_TOKEN_PARAMETER. It is never logged.
/// </summary>
public sealed class ApiAuthenticator
{
    private readonly byte[] _expected;

    public ApiAuthenticator(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>Reads the token at init; a missing setting or parameter fails the init with its name.</summary>
    public static ApiAuthenticator FromConfiguration(IConfiguration configuration, Func<IAmazonSimpleSystemsManagement> ssm) =>
        new(SecretSetting.Read(configuration, TaskSettingNames.ApiToken, TaskSettingNames.ApiTokenParameter, ssm));

    /// <summary>Null when the request carries the token; otherwise the 401 to answer.</summary>
    public HttpApiResponse? Challenge(HttpApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Header("authorization");
        const string scheme = "Bearer ";
        if (header is not null && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
            if (CryptographicOperations.FixedTimeEquals(given, _expected))
            {
                return null;
            }
        }

        return HttpResults.Problem(
            new ProblemDetails
            {
                Title = "Unauthorized",
                Status = 401,
                Detail = header is null ? "The Authorization header is missing; send Authorization: Bearer <token>." : "The bearer token is not valid.",
                RequestId = request.RequestContext?.RequestId,
                Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["authorization"] = [header is null ? "missing" : "invalid"] },
            },
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["www-authenticate"] = "Bearer" });
    }
}
