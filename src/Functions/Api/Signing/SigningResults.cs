using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Tasks;
using Functions.Tasks.Callers;

namespace Functions.Api.Signing;

/// <summary>The signing-secret routes' answers.</summary>
public static class SigningResults
{
    public static IReadOnlyDictionary<string, string> NoStore { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["cache-control"] = "no-store" };

    public static HttpApiResponse Shown(string caller, CallerSecrets secrets) =>
        HttpResults.Json(200, SigningSecretResponse.From(caller, secrets), FunctionsJsonContext.Default.SigningSecretResponse, NoStore);

    public static HttpApiResponse Rotated(string caller, RotationResult result, string requestId) => result switch
    {
        RotationResult.Rotated(var secrets) => Shown(caller, secrets),
        RotationResult.Bootstrap => Conflict(
            "The bootstrap caller signs with the service's master secret: rotate it in its SSM parameter (new secret first, old one after it, space-separated).",
            requestId),
        RotationResult.InGrace(var until) => Conflict(
            $"The previous secret signs until {Timestamps.Format(until)}; rotate again after that (two secrets are live at most).",
            requestId),
        _ => throw new ArgumentOutOfRangeException(nameof(result), "Unknown rotation result."),
    };

    private static HttpApiResponse Conflict(string detail, string requestId) =>
        HttpResults.Problem(new ProblemDetails { Title = "Conflict", Status = 409, Detail = detail, RequestId = requestId });
}
