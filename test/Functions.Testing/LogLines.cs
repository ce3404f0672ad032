using System.Text;
using System.Text.Json;

namespace Functions.Testing;

/// <summary>The JSON log lines a function wrote, one object a line.</summary>
public static class LogLines
{
    public static IReadOnlyList<JsonElement> Parse(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    public static IReadOnlyList<JsonElement> Parse(MemoryStream logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        return Parse(Encoding.UTF8.GetString(logs.ToArray()));
    }
}
