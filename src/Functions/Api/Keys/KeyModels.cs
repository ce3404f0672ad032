using System.Globalization;
using System.Text.Json.Serialization;
using Functions.Tasks;
using Functions.Tasks.Callers;

namespace Functions.Api.Keys;

/// <summary>The body of POST /api/v1/keys.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateKeyRequest
{
    [JsonPropertyName("caller")] public string? Caller { get; init; }

    /// <summary>Whether the key's caller is an admin (manages keys, sees every caller's tasks); false unless set.</summary>
    [JsonPropertyName("admin")] public bool? Admin { get; init; }
}

/// <summary>The answer to POST /api/v1/keys: the only time the key itself is shown.</summary>
public sealed record CreatedKeyResponse(
    [property: JsonPropertyName("key_id")] string KeyId,
    [property: JsonPropertyName("caller")] string Caller,
    [property: JsonPropertyName("admin")] bool Admin,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("created_at")] string CreatedAt);

/// <summary>One key as GET /api/v1/keys shows it: never the key, nor its hash.</summary>
public sealed record KeyResponse(
    [property: JsonPropertyName("key_id")] string KeyId,
    [property: JsonPropertyName("caller")] string Caller,
    [property: JsonPropertyName("admin")] bool Admin,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("last_used_on"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastUsedOn,
    [property: JsonPropertyName("revoked_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? RevokedAt)
{
    public static KeyResponse From(ApiKeyRecord key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(
            key.KeyId,
            key.Caller,
            key.IsAdmin,
            Timestamps.Format(key.CreatedAt),
            key.LastUsedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            key.RevokedAt is { } revoked ? Timestamps.Format(revoked) : null);
    }
}

/// <summary>The answer to GET /api/v1/keys.</summary>
public sealed record KeyListResponse([property: JsonPropertyName("keys")] IReadOnlyList<KeyResponse> Keys);
