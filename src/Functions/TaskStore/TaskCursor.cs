using System.Text.Json;
using Functions.Serialization;

namespace Functions.TaskStore;

/// <summary>The cursor's content: which listing it continues and where. Opaque to callers (base64url JSON).</summary>
public sealed record TaskCursor(string? Status, Dictionary<string, string> Key)
{
    public string Encode() =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this, FunctionsJsonContext.Default.TaskCursor))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The cursor of a listing of <paramref name="status"/> (null: all); a <see cref="FormatException"/> for any other text.</summary>
    public static TaskCursor Decode(string text, string? status)
    {
        TaskCursor? cursor;
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - (base64.Length % 4)) % 4);
            cursor = JsonSerializer.Deserialize(Convert.FromBase64String(base64), FunctionsJsonContext.Default.TaskCursor);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw new FormatException("cursor is not one this API gave out.", ex);
        }

        var expectedKeys = status is null
            ? new[] { TaskTableSchema.PartitionKey, TaskTableSchema.Entity, TaskTableSchema.CreatedAt }
            : [TaskTableSchema.PartitionKey, TaskTableSchema.Status, TaskTableSchema.CreatedAt];
        if (cursor?.Key is null || cursor.Status != status || cursor.Key.Count != expectedKeys.Length
            || !expectedKeys.All(k => cursor.Key.TryGetValue(k, out var v) && !string.IsNullOrEmpty(v))
            || !cursor.Key[TaskTableSchema.PartitionKey].StartsWith(TaskItems.TaskPrefix, StringComparison.Ordinal))
        {
            throw new FormatException("cursor is not one this API gave out, or belongs to a listing with another status.");
        }

        return cursor;
    }
}
