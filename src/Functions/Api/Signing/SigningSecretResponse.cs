using System.Text.Json.Serialization;
using Functions.Tasks;
using Functions.Tasks.Callers;

namespace Functions.Api.Signing;

/// <summary>A caller's live signing secrets, newest first (both sign during a rotation's grace period).</summary>
public sealed record SigningSecretResponse(
    [property: JsonPropertyName("caller")] string Caller,
    [property: JsonPropertyName("secrets")] IReadOnlyList<string> Secrets,
    [property: JsonPropertyName("previous_valid_until"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? PreviousValidUntil,
    [property: JsonPropertyName("generation"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Generation)
{
    public static SigningSecretResponse From(string caller, CallerSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return new(caller, secrets.Secrets, secrets.PreviousUntil is { } until ? Timestamps.Format(until) : null, secrets.Generation);
    }
}
