using System.Net.Http.Headers;
using System.Text;

namespace Functions.Forwarder;

/// <summary>
/// The start of a target's answer, as an attempt keeps it: at most <see cref="MaxBytes"/> bytes, as text when they
/// are UTF-8 text (a character cut at the end is dropped), otherwise only the length. The rest of the body is not
/// read: a target cannot make an attempt slower or its record larger by answering at length.
/// </summary>
public sealed record ResponseSnippet(string? Text, long? Bytes)
{
    public const int MaxBytes = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the start of <paramref name="content"/>; whatever goes wrong meanwhile (the deadline, a reset) keeps what was read.</summary>
    public static async Task<ResponseSnippet?> ReadAsync(HttpContent? content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            return null;
        }

        var declared = content.Headers.ContentLength;
        var buffer = new byte[MaxBytes];
        var read = 0;
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                for (int n; read < MaxBytes && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0;)
                {
                    read += n;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            // Keep what came before the failure: the status is what the attempt is judged by.
        }

        return From(buffer.AsSpan(0, read), declared, content.Headers.ContentType);
    }

    /// <summary>The snippet of the first bytes <paramref name="start"/> of a body of <paramref name="declared"/> bytes (when known).</summary>
    public static ResponseSnippet? From(ReadOnlySpan<byte> start, long? declared, MediaTypeHeaderValue? contentType)
    {
        if (start.IsEmpty)
        {
            return declared is > 0 ? new ResponseSnippet(null, declared) : null;
        }

        var text = LooksBinary(contentType) ? null : AsText(start, complete: declared is { } length && length <= start.Length);
        return new ResponseSnippet(text, declared ?? (text is null ? start.Length : null));
    }

    private static bool LooksBinary(MediaTypeHeaderValue? contentType) => contentType?.MediaType is { } type
        && !(type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || type.Contains("json", StringComparison.OrdinalIgnoreCase)
            || type.Contains("xml", StringComparison.OrdinalIgnoreCase)
            || type.Contains("javascript", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase));

    /// <summary>The bytes as text, or null when they are not UTF-8 text (control characters other than tab and line ends count as binary).</summary>
    private static string? AsText(ReadOnlySpan<byte> bytes, bool complete)
    {
        // A body cut at MaxBytes may end inside a character: drop the partial sequence (at most 3 bytes).
        for (var drop = 0; drop <= (complete ? 0 : 3) && drop < bytes.Length; drop++)
        {
            try
            {
                var text = StrictUtf8.GetString(bytes[..^drop]);
                return text.Any(c => char.IsControl(c) && c is not ('\t' or '\r' or '\n')) ? null : text;
            }
            catch (DecoderFallbackException)
            {
                // Try one byte shorter.
            }
        }

        return null;
    }
}
