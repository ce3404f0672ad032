using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace Functions.Hosting.Http;

/// <summary>
/// Binds a request's JSON body to its typed form, refusing anything a strict reader would read differently:
/// a body not sent as JSON (415), bytes that are not UTF-8, a string that is not valid Unicode, a key given twice
/// in one object (parsers disagree on which one wins), and JSON that does not fit the type. Every refusal is a
/// problem+json naming the field (its path, e.g. <c>data.items[2].name</c>) or the body.
/// </summary>
public static class JsonBody
{
    public static bool TryRead<T>(
        HttpApiRequest request,
        InvocationContext context,
        JsonTypeInfo<T> type,
        [NotNullWhen(true)] out T? value,
        [NotNullWhen(false)] out HttpApiResponse? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        value = default;
        problem = CheckContentType(request.Header("content-type"), context.RequestId);
        if (problem is not null)
        {
            return false;
        }

        var body = request.BodyBytes.Span;
        if (body.IsEmpty)
        {
            problem = HttpResults.BadRequest("body", "The body is empty; send a JSON object.", context.RequestId);
            return false;
        }

        if (Inspect(body) is { } flaw)
        {
            problem = HttpResults.BadRequest(flaw.Field, flaw.Message, context.RequestId);
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is null or "$" ? "body" : ex.Path.TrimStart('$', '.');
            problem = HttpResults.BadRequest(field, $"The body does not fit at {field}: {FirstSentence(ex.Message)}", context.RequestId);
            return false;
        }

        if (value is null)
        {
            problem = HttpResults.BadRequest("body", "The body must be a JSON object.", context.RequestId);
            return false;
        }

        return true;
    }

    /// <summary>As <see cref="TryRead"/>, for a body that may be left out: an empty body is <paramref name="absent"/>.</summary>
    public static bool TryReadOptional<T>(
        HttpApiRequest request,
        InvocationContext context,
        JsonTypeInfo<T> type,
        T absent,
        [NotNullWhen(true)] out T? value,
        [NotNullWhen(false)] out HttpApiResponse? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.BodyBytes.IsEmpty)
        {
            (value, problem) = (absent!, null);
            return true;
        }

        return TryRead(request, context, type, out value, out problem);
    }

    /// <summary>Null when the body is JSON in UTF-8 (application/json or any +json type); otherwise the 415.</summary>
    public static HttpApiResponse? CheckContentType(string? contentType, string? requestId)
    {
        if (string.IsNullOrWhiteSpace(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType is null)
        {
            return HttpResults.UnsupportedMediaType("Send the body with Content-Type: application/json.", requestId);
        }

        var json = string.Equals(media.MediaType, "application/json", StringComparison.OrdinalIgnoreCase)
            || (media.MediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        if (!json)
        {
            return HttpResults.UnsupportedMediaType($"The body is {media.MediaType}; send it as application/json.", requestId);
        }

        return media.CharSet is { Length: > 0 } charset && charset.Trim('"').ToUpperInvariant() is not ("UTF-8" or "UTF8")
            ? HttpResults.UnsupportedMediaType($"The body is in {charset}; send it in UTF-8.", requestId)
            : null;
    }

    /// <summary>What is wrong with the JSON text, named by its path; null when it is sound.</summary>
    public static (string Field, string Message)? Inspect(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var frame = frames[^1];
                        if (!TryText(ref reader, out var name))
                        {
                            frame.Property = null;
                            return (Path(frames, null), "A key in this object is not valid UTF-8 or holds an unpaired surrogate.");
                        }

                        frame.Property = name;
                        if (!frame.Keys!.Add(name))
                        {
                            return (Path(frames, null), $"The key {name} is given twice in one object; give each key once.");
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        NextValue(frames);
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartObject));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.String:
                        NextValue(frames);
                        if (!TryText(ref reader, out _))
                        {
                            return (Path(frames, null), "The text is not valid UTF-8 or holds an unpaired surrogate.");
                        }

                        break;
                    default:
                        NextValue(frames);
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            return ("body", $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }

        return null;
    }

    private static bool TryText(ref Utf8JsonReader reader, out string text)
    {
        text = string.Empty;
        // The reader does not validate UTF-8 inside strings, and an escaped lone surrogate (\ud800) is legal JSON
        // that no UTF-8 encoder can write back out.
        if (!reader.ValueIsEscaped && !Utf8.IsValid(reader.ValueSpan))
        {
            return false;
        }

        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        return !HasLoneSurrogate(text);
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static void NextValue(List<Frame> frames)
    {
        if (frames.Count > 0 && !frames[^1].IsObject)
        {
            frames[^1].Index++;
        }
    }

    /// <summary>data.items[2].name: the keys and indexes down to the current value.</summary>
    private static string Path(List<Frame> frames, string? last)
    {
        var path = new System.Text.StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsObject && frame.Property is not null)
            {
                path.Append(path.Length > 0 ? "." : string.Empty).Append(frame.Property);
            }
            else if (!frame.IsObject && frame.Index >= 0)
            {
                path.Append('[').Append(frame.Index).Append(']');
            }
        }

        if (last is not null)
        {
            path.Append(path.Length > 0 ? "." : string.Empty).Append(last);
        }

        return path.Length > 0 ? path.ToString() : "body";
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    private sealed class Frame(bool isObject)
    {
        public bool IsObject { get; } = isObject;

        public HashSet<string>? Keys { get; } = isObject ? new(StringComparer.Ordinal) : null;

        public string? Property { get; set; }

        public int Index { get; set; } = -1;
    }
}
