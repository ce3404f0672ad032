using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Support;

/// <summary>What the function posted for one invocation: a response, or an error with its type header.</summary>
public sealed record RuntimeOutcome(string Path, string Body, string? ErrorTypeHeader, int Status = 202)
{
    public bool IsError => Path.EndsWith("/error", StringComparison.Ordinal);
}

/// <summary>
/// The project's own test double of the Lambda Runtime API 2018-06-01, on Kestrel at 127.0.0.1: it hands
/// out queued events from /invocation/next and records what comes back to /response, /error and /init/error.
/// </summary>
public sealed class RuntimeApiDouble : IAsyncDisposable
{
    private readonly Channel<(string RequestId, string Body, bool WithDeadline)> _events = Channel.CreateUnbounded<(string, string, bool)>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RuntimeOutcome>> _outcomes = new();
    private readonly ConcurrentDictionary<string, int> _finished = new();
    private int _latePosts;
    private readonly TaskCompletionSource<RuntimeOutcome> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly WebApplication _app;

    private RuntimeApiDouble(WebApplication app) => _app = app;

    public string Address { get; private set; } = "";

    public Task<RuntimeOutcome> InitError => _initError.Task;

    /// <summary>Responses larger than this are refused with 413, as the real API refuses those over 6 MB.</summary>
    public int MaxResponseBytes { get; set; } = 6 * 1024 * 1024;

    /// <summary>Posts for an invocation that had already ended (answered 403, as the real API does).</summary>
    public int LatePosts => _latePosts;

    public static async Task<RuntimeApiDouble> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var runtime = new RuntimeApiDouble(app);
        runtime.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        runtime.Address = new Uri(address).Authority;
        return runtime;
    }

    /// <summary>Queues an event and waits for what the function posts for it.</summary>
    public async Task<RuntimeOutcome> InvokeAsync(string @event, bool withDeadline = true, TimeSpan? timeout = null)
    {
        var requestId = Guid.NewGuid().ToString();
        var outcome = _outcomes.GetOrAdd(requestId, _ => new TaskCompletionSource<RuntimeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _events.Writer.WriteAsync((requestId, @event, withDeadline));
        return await outcome.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/2018-06-01/runtime/invocation/next", async (HttpContext http) =>
        {
            var (requestId, body, withDeadline) = await _events.Reader.ReadAsync(http.RequestAborted);
            http.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = requestId;
            if (withDeadline)
            {
                http.Response.Headers["Lambda-Runtime-Deadline-Ms"] =
                    DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            }

            http.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:ap-northeast-2:123456789012:function:test";
            http.Response.Headers["Lambda-Runtime-Trace-Id"] = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(body, http.RequestAborted);
        });
        app.MapPost("/2018-06-01/runtime/invocation/{id}/{kind}", async (HttpContext http, string id, string kind) =>
        {
            var outcome = new RuntimeOutcome($"/invocation/{id}/{kind}", await ReadAsync(http), http.Request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault());
            if (kind is not ("response" or "error") || !_outcomes.TryGetValue(id, out var pending))
            {
                return Results.BadRequest();
            }

            if (!_finished.TryAdd(id, 0))
            {
                Interlocked.Increment(ref _latePosts);
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            if (kind == "response" && outcome.Body.Length > MaxResponseBytes)
            {
                pending.TrySetResult(outcome with { Status = StatusCodes.Status413PayloadTooLarge });
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }

            pending.TrySetResult(outcome);
            return Results.Accepted();
        });
        app.MapPost("/2018-06-01/runtime/init/error", async (HttpContext http) =>
        {
            _initError.TrySetResult(new RuntimeOutcome("/init/error", await ReadAsync(http), http.Request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault()));
            return Results.Accepted();
        });
    }

    private static async Task<string> ReadAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        return await reader.ReadToEndAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
