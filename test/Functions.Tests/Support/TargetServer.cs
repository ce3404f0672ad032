using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Support;

/// <summary>One request as the target saw it.</summary>
public sealed record TargetHit(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At);

/// <summary>A real HTTP server on 127.0.0.1 (Kestrel) standing in for a delivery target: it records every request
/// and answers each with the next scripted response (200 when the script is empty).</summary>
public sealed class TargetServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _script = new();

    private TargetServer(WebApplication app) => _app = app;

    public ConcurrentQueue<TargetHit> Hits { get; } = new();

    public string BaseUrl => _app.Urls.First();

    public static async Task<TargetServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new TargetServer(app);
        app.Run(async http =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            server.Hits.Enqueue(new TargetHit(
                http.Request.Method,
                http.Request.Path.Value ?? "/",
                http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.ToArray(),
                DateTimeOffset.UtcNow));
            if (server._script.TryDequeue(out var answer))
            {
                await answer(http);
            }
            else
            {
                http.Response.StatusCode = 200;
            }
        });
        await app.StartAsync();
        return server;
    }

    /// <summary>Answers <paramref name="status"/> with <paramref name="body"/> as text/plain.</summary>
    public void ThenText(int status, string body) => _script.Enqueue(http =>
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(body);
    });

    public void Then(int status, string? retryAfter = null, string? location = null) => _script.Enqueue(http =>
    {
        http.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            http.Response.Headers.RetryAfter = retryAfter;
        }

        if (location is not null)
        {
            http.Response.Headers.Location = location;
        }

        return Task.CompletedTask;
    });

    public void ThenHang(TimeSpan delay) => _script.Enqueue(async http =>
    {
        try
        {
            await Task.Delay(delay, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
