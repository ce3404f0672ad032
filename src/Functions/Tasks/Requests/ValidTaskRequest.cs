using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Functions.Tasks.Requests;

/// <summary>A request that passed every check, normalised; what the scheduling service works from.</summary>
public sealed record ValidTaskRequest(
    TaskTiming Timing,
    string Url,
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    string Data,
    string? IdempotencyKey,
    int MaxAttempts,
    int TimeoutSeconds)
{
    /// <summary>
    /// SHA-256 of the request as the caller wrote it (the timing field as given, not the computed run_at;
    /// data with its keys sorted), so a retried request with the same idempotency key matches its first try.
    /// </summary>
    public string Fingerprint()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("when", Timing.Field);
            json.WriteString("value", Timing.At?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) ?? Timing.Delay!.Value.Ticks.ToString(CultureInfo.InvariantCulture));
            json.WriteString("url", Url);
            json.WriteString("method", Method);
            json.WriteStartObject("headers");
            foreach (var (name, value) in Headers.OrderBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal))
            {
                json.WriteString(name.ToLowerInvariant(), value);
            }

            json.WriteEndObject();
            json.WritePropertyName("data");
            using (var data = JsonDocument.Parse(Data))
            {
                WriteCanonical(json, data.RootElement);
            }

            json.WriteNumber("max_attempts", MaxAttempts);
            json.WriteNumber("timeout_seconds", TimeoutSeconds);
            json.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void WriteCanonical(Utf8JsonWriter json, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                json.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    json.WritePropertyName(property.Name);
                    WriteCanonical(json, property.Value);
                }

                json.WriteEndObject();
                break;
            case JsonValueKind.Array:
                json.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(json, item);
                }

                json.WriteEndArray();
                break;
            default:
                element.WriteTo(json);
                break;
        }
    }
}
