using System.Text;
using System.Text.Json;

namespace Functions.Testing;

/// <summary>The JSON lines a function wrote, one object a line: its log lines, and apart from them its EMF metric lines.</summary>
public static class LogLines
{
    /// <summary>The log lines (every line but the EMF ones).</summary>
    public static IReadOnlyList<JsonElement> Parse(string text) => [.. All(text).Where(line => !IsMetric(line))];

    public static IReadOnlyList<JsonElement> Parse(MemoryStream logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        return Parse(Encoding.UTF8.GetString(logs.ToArray()));
    }

    /// <summary>The CloudWatch Embedded Metric Format lines (those with an <c>_aws</c> member).</summary>
    public static IReadOnlyList<JsonElement> Metrics(string text) => [.. All(text).Where(IsMetric)];

    public static IReadOnlyList<JsonElement> Metrics(MemoryStream logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        return Metrics(Encoding.UTF8.GetString(logs.ToArray()));
    }

    private static bool IsMetric(JsonElement line) => line.ValueKind == JsonValueKind.Object && line.TryGetProperty("_aws", out _);

    private static IEnumerable<JsonElement> All(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone());
}
