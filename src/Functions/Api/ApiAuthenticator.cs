using System.Security.Cryptography;
using System.Text;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Functions.Hosting;
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
    public static ApiAuthenticator FromConfiguration(IConfiguration configuration, Func<IAmazonSimpleSystemsManagement> ssm)
    {
        var direct = configuration[TaskSettingNames.ApiToken];
        if (!string.IsNullOrEmpty(direct))
        {
            return new ApiAuthenticator(direct);
        }

        var parameter = configuration[TaskSettingNames.ApiTokenParameter];
        if (string.IsNullOrWhiteSpace(parameter))
        {
            throw new SettingsException(TaskSettingNames.ApiTokenParameter, $"Missing required setting {TaskSettingNames.ApiTokenParameter} (or {TaskSettingNames.ApiToken} for local runs).");
        }

        try
        {
            // Init runs once, before the first event, on a thread with no synchronization context.
            var response = ssm().GetParameterAsync(new GetParameterRequest { Name = parameter, WithDecryption = true }).GetAwaiter().GetResult();
            return new ApiAuthenticator(response.Parameter.Value);
        }
        catch (ParameterNotFoundException ex)
        {
            throw new SettingsException(TaskSettingNames.ApiTokenParameter, $"The SSM parameter named by {TaskSettingNames.ApiTokenParameter} does not exist: {parameter}. ({ex.GetType().Name})");
        }
    }

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
