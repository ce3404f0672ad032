using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Functions.Local;

/// <summary>
/// Kestrel answers a request it cannot parse (a path with an encoded NUL or bytes that are not UTF-8, a malformed
/// request line, headers too large) by itself, before any application code runs, with an empty body — and it
/// offers no hook to change that (dotnet/aspnetcore#4726). API Gateway answers such requests with a JSON body,
/// <c>{"message":"Bad Request"}</c>. This connection middleware gives Kestrel's own error answers that body, so
/// every answer of the runner is JSON, as a client of API Gateway expects. It touches only a response that is a
/// whole header block of a 4xx/5xx with <c>Content-Length: 0</c> and <c>Connection: close</c>: the runner's own
/// answers always carry a body.
/// </summary>
public static class KestrelErrorBodies
{
    public static ListenOptions UseJsonErrorBodies(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => async connection =>
        {
            var transport = connection.Transport;
            await using var output = new ErrorBodyWriter(transport.Output);
            connection.Transport = new Pipe(transport.Input, output);
            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                connection.Transport = transport;
            }
        });
        return listen;
    }

    /// <summary>The response Kestrel wrote with the JSON body added, or null when it is not one of Kestrel's own error answers.</summary>
    public static byte[]? WithJsonBody(ReadOnlySpan<byte> response)
    {
        // Kestrel's own answers are a few short headers; anything longer, or not an error, passes as it is.
        if (response.Length > 512 || !(response.StartsWith("HTTP/1.1 4"u8) || response.StartsWith("HTTP/1.1 5"u8)) || !response.EndsWith("\r\n\r\n"u8))
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(response);
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || text.Length < 13 || text[9] is not ('4' or '5')
            || !text.EndsWith("\r\n\r\n", StringComparison.Ordinal) || text.IndexOf("\r\n\r\n", StringComparison.Ordinal) != text.Length - 4
            || !text.Contains("\r\nContent-Length: 0\r\n", StringComparison.Ordinal) || !text.Contains("\r\nConnection: close\r\n", StringComparison.Ordinal))
        {
            return null;
        }

        var statusLine = text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
        var reason = statusLine.Length > 13 ? statusLine[13..] : "Error";
        var body = $$"""{"message":"{{reason.Replace("\"", "'", StringComparison.Ordinal)}}"}""";
        var rewritten = text.Replace("\r\nContent-Length: 0\r\n", $"\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nContent-Type: application/json\r\n", StringComparison.Ordinal) + body;
        return Encoding.UTF8.GetBytes(rewritten);
    }

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>Holds what is written until each flush, to look at whole responses Kestrel writes in one flush.</summary>
    private sealed class ErrorBodyWriter(PipeWriter inner) : PipeWriter, IAsyncDisposable
    {
        private readonly ArrayBufferWriter<byte> _pending = new(512);

        public override void Advance(int bytes) => _pending.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => _pending.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _pending.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            MoveOn();
            return await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        public override void Complete(Exception? exception = null)
        {
            MoveOn();
            inner.Complete(exception);
        }

        public override async ValueTask CompleteAsync(Exception? exception = null)
        {
            MoveOn();
            await inner.CompleteAsync(exception).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private void MoveOn()
        {
            if (_pending.WrittenCount == 0)
            {
                return;
            }

            inner.Write(WithJsonBody(_pending.WrittenSpan) ?? _pending.WrittenSpan);
            _pending.Clear();
        }
    }
}
