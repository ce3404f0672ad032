using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Functions.Forwarder;
using Functions.Hosting;
using Functions.Hosting.Logging;
using Functions.Local.Embedded;
using Functions.Metrics;
using Functions.Scheduler;
using Functions.Serialization;
using Functions.Tasks;
using Functions.Tasks.Callers;
using Functions.Tasks.DeadLetters;
using Functions.Tasks.Recurring;
using Functions.Tasks.Requests;
using Functions.Tasks.Scheduling;
using Functions.Tasks.WakeUps;
using Functions.Testing;
using Functions.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Functions.UnitTests.Forwarder;

/// <summary>
/// The scheduling and delivery services on one fake clock, over the local runner's embedded store, scheduler and
/// queues (SQLite in a temp file), with a delivery target that is an in-process handler: no network, no waiting.
/// </summary>
internal sealed class DeliveryRig : IDisposable
{
    public const string TargetUrl = "https://target.example/hooks/order?token=secret";

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"delivery-rig-{Guid.NewGuid():N}.db");
    private readonly ILoggerFactory _loggers;
    private readonly JsonLoggerProvider _logProvider;
    private readonly TargetCall _call;

    public DeliveryRig(DeliveryPrecision precision = DeliveryPrecision.Second)
    {
        Target.Clock = Clock;
        Database = new LocalDatabase(_path);
        Store = new LocalTaskStore(Database, Clock);
        Scheduler = new LocalScheduler(Database);
        Queues = new LocalDeliveryQueues(Database, Clock);
        _logProvider = new JsonLoggerProvider("ForwarderFunction", "test", Logs, LogLevel.Information);
        _loggers = LoggerFactory.Create(logging => logging.AddProvider(_logProvider));
        var wakeUps = WakeUps = new WakeUpTimer(new SchedulerWakeUps(Scheduler, new SchedulerSettings(Group, TestSettings.SchedulerRoleArn, TestSettings.ForwarderArn, TestSettings.DeadLetterQueueArn)), Queues, precision);
        Callers = new LocalCallerStore(Database);
        Secrets = new SigningSecrets(WebhookKey.ParseList(TestSettings.SigningSecret), Callers, TimeSpan.Zero, SigningSecrets.DefaultGrace, Clock);
        var call = new TargetCall(new HttpClient(Target), Secrets, new ServiceInfo("ForwarderFunction", "test", "1.2.3+abc"), Clock, _loggers.CreateLogger<TargetCall>());
        _call = call;
        Metrics = new EmfTaskMetrics(new MetricsLog(new ServiceInfo("ForwarderFunction", "test", "1.2.3+abc"), MetricLines, Clock));
        Scheduling = new TaskSchedulingService(new ScheduleRequestValidator(TargetPolicy.FromSetting(null)), Store, wakeUps, Metrics, Clock, _loggers.CreateLogger<TaskSchedulingService>());
        Schedules = new LocalScheduleStore(Database);
        Firing = FiringWith(Clock);
        Recurring = new RecurringScheduleService(new RecurringRequestValidator(new ScheduleRequestValidator(TargetPolicy.FromSetting(null))), Schedules, Store, Firing, wakeUps, Clock, _loggers.CreateLogger<RecurringScheduleService>());
        Forwarding = ForwardingWith(Clock);
        Sweeper = SweeperWith(Store, Clock);
        Retries = new TaskRetryService(Store, wakeUps, Clock, _loggers.CreateLogger<TaskRetryService>());
        SystemDeadLetters = new LocalDeadLetterChannel(Database, Clock);
        DeadLetters = new DeadLetterService(new TaskQueries(Store), Store, Retries, SystemDeadLetters, Queues, Clock, _loggers.CreateLogger<DeadLetterService>());
    }

    public TaskRetryService Retries { get; }

    public LocalDeadLetterChannel SystemDeadLetters { get; }

    public DeadLetterService DeadLetters { get; }

    public const string Group = "rig";

    public static readonly RetryBackoff Backoff = new(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    public LocalDatabase Database { get; }

    public LocalTaskStore Store { get; }

    public LocalScheduler Scheduler { get; }

    public LocalCallerStore Callers { get; }

    public SigningSecrets Secrets { get; }

    public LocalDeliveryQueues Queues { get; }

    public ScriptedTarget Target { get; } = new();

    public MemoryStream Logs { get; } = new();

    /// <summary>The EMF lines the services wrote (kept apart from the log lines for the tests' sake).</summary>
    public MemoryStream MetricLines { get; } = new();

    public ITaskMetrics Metrics { get; }

    public TaskSchedulingService Scheduling { get; }

    public ForwardingService Forwarding { get; }

    public LocalScheduleStore Schedules { get; }

    public ScheduleFiring Firing { get; }

    public RecurringScheduleService Recurring { get; }

    public LostWakeUpSweeper Sweeper { get; }

    public WakeUpTimer WakeUps { get; }

    /// <summary>A forwarder on its own clock (same store, target and queues), for tests that steer its timers.</summary>
    public ForwardingService ForwardingWith(TimeProvider time) =>
        new(Store, FiringWith(time), WakeUps, _call, Backoff, new FailedDeliveries(Queues, Clock, _loggers.CreateLogger<FailedDeliveries>()), Metrics, time, _loggers.CreateLogger<ForwardingService>());

    /// <summary>A sweeper on its own clock and store, for tests that steer its time.</summary>
    public LostWakeUpSweeper SweeperWith(ITaskStore store, TimeProvider time) => new(store, Schedules, FiringWith(time), WakeUps, time, _loggers.CreateLogger<LostWakeUpSweeper>());

    /// <summary>The schedules' firing on its own clock (same stores and wake-ups).</summary>
    public ScheduleFiring FiringWith(TimeProvider time) => new(Schedules, Store, WakeUps, Metrics, time, _loggers.CreateLogger<ScheduleFiring>());

    /// <summary>Schedules a task to <see cref="TargetUrl"/> with the given request fields; the accepted task.</summary>
    public async Task<TaskRecord> ScheduleAsync(string fields, string caller = Caller.BootstrapName)
    {
        var request = JsonSerializer.Deserialize($$"""{"url": "{{TargetUrl}}", "data": {"order": 42}, {{fields}}}""", FunctionsJsonContext.Default.ScheduleTaskRequest)!;
        var result = await Scheduling.ScheduleAsync(request, new Caller(caller, caller == Caller.BootstrapName), "https://api.example.com/api/v1/tasks/callback", CancellationToken.None);
        return Assert.IsType<ScheduleResult.Accepted>(result).Task;
    }

    /// <summary>Wakes the forwarder for a task, as a schedule or a queue message would.</summary>
    public Task WakeAsync(string taskId) =>
        Forwarding.ProcessAsync(new WakeUpMessage { TaskId = taskId }, InvocationContext.Create(Guid.NewGuid().ToString(), TimeSpan.FromSeconds(90), Clock));

    public async Task<TaskRecord> TaskAsync(string taskId) => (await Store.GetAsync(taskId, CancellationToken.None))!;

    /// <summary>The task ids of the queued wake-ups visible now (received, so each is seen once).</summary>
    public async Task<List<string>> VisibleWakeUpsAsync()
    {
        var messages = await Queues.ReceiveAsync(100, TimeSpan.FromHours(1), CancellationToken.None);
        return [.. messages.Select(m => JsonSerializer.Deserialize(m.Body, FunctionsJsonContext.Default.WakeUpMessage)!.TaskId!)];
    }

    /// <summary>The records on the failed-deliveries queue (the callers').</summary>
    public async Task<List<JsonElement>> FailedDeliveriesAsync() =>
        [.. (await Queues.PeekAsync(LocalDeliveryQueues.FailedDeliveries, CancellationToken.None)).Select(b => JsonDocument.Parse(b).RootElement.Clone())];

    /// <summary>What is on the system dead-letter queue (the platform's failures only).</summary>
    public Task<List<string>> SystemDeadLettersAsync() => Queues.PeekAsync(LocalDeliveryQueues.DeadLetter, CancellationToken.None);

    public IReadOnlyList<JsonElement> LogLines() => Testing.LogLines.Parse(Logs);

    public void Dispose()
    {
        _loggers.Dispose();
        _logProvider.Dispose();
        Database.Dispose();
        Target.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}

/// <summary>One request as the target saw it, at the rig's clock.</summary>
internal sealed record TargetRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At);

/// <summary>
/// A delivery target in the process: records each request and answers with the next scripted answer (200 when
/// the script is empty). Stands in for the network in the unit tier; the integration tier calls real servers.
/// </summary>
internal sealed class ScriptedTarget(TimeProvider? clock = null) : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<CancellationToken, Task<HttpResponseMessage>>> _script = new();

    public TimeProvider Clock { get; set; } = clock ?? TimeProvider.System;

    public ConcurrentQueue<TargetRequest> Requests { get; } = new();

    /// <summary>Completes when a scripted hang has begun (the call is in flight).</summary>
    public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Then(HttpStatusCode status, TimeSpan? retryAfter = null) => _script.Enqueue(_ =>
    {
        var response = new HttpResponseMessage(status);
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
        }

        return Task.FromResult(response);
    });

    /// <summary>Answers <paramref name="status"/> with <paramref name="body"/> as <paramref name="contentType"/>.</summary>
    public void Then(HttpStatusCode status, byte[] body, string contentType) => _script.Enqueue(_ =>
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(body) };
        response.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return Task.FromResult(response);
    });

    public void ThenConnectionFailure() => _script.Enqueue(_ =>
        Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")));

    /// <summary>Never answers: the call ends when its timeout (on the rig's clock) or the invocation cancels it.</summary>
    public void ThenHang() => _script.Enqueue(async token =>
    {
        Hanging.TrySetResult();
        await new TaskCompletionSource().Task.WaitAsync(token);
        throw new InvalidOperationException("unreachable");
    });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Requests.Enqueue(new TargetRequest(request.Method, request.RequestUri!, headers, body, Clock.GetUtcNow()));
        return _script.TryDequeue(out var answer) ? await answer(cancellationToken) : new HttpResponseMessage(HttpStatusCode.OK);
    }
}
