using System.Text.Json;

namespace Functions.Callbacks;

/// <summary>Small field checks for callback bodies; each names the field it refuses.</summary>
public static class BodyChecks
{
    public static BodyProblem? WholeNumber(JsonElement body, string field) =>
        body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _)
            ? null
            : new BodyProblem(field, $"{field} must be an integer.");

    public static BodyProblem? Number(JsonElement body, string field) =>
        body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number
            ? null
            : new BodyProblem(field, $"{field} must be a number.");

    public static BodyProblem? Text(JsonElement body, string field, int maxLength = 1024) =>
        body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text && text.Length <= maxLength
            ? null
            : new BodyProblem(field, $"{field} must be a non-empty string of at most {maxLength} characters.");

    public static BodyProblem? OptionalObject(JsonElement body, string field) =>
        !body.TryGetProperty(field, out var value) || value.ValueKind is JsonValueKind.Object or JsonValueKind.Null
            ? null
            : new BodyProblem(field, $"{field} must be a JSON object.");

    public static BodyProblem? Email(JsonElement body, string field)
    {
        if (Text(body, field, 254) is { } problem)
        {
            return problem;
        }

        var text = body.GetProperty(field).GetString()!;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == text.LastIndexOf('@') && text.IndexOf('.', at) > at + 1 && !text.EndsWith('.') && !text.Any(char.IsWhiteSpace)
            ? null
            : new BodyProblem(field, $"{field} must be an email address.");
    }

    /// <summary>The first problem of several checks, or null.</summary>
    public static BodyProblem? First(params BodyProblem?[] problems) => problems.FirstOrDefault(p => p is not null);
}
