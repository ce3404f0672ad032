using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Functions.Hosting;
using Functions.Tasks;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// The measurement behind docs/cost.md: reference tasks scheduled and delivered end to end through the functions as
/// Lambda runs them (the schedule function's and the forwarder's entry points), DynamoDB on moto with every request's
/// units metered (<see cref="CostMeter"/>), every Scheduler and SQS request counted and the wake-ups they ask for fired
/// on a fake clock (a schedule at its at() time, a queue message after its delay, as EventBridge Scheduler and the
/// event source mapping would), the target answering after 100 ms, every log line the code writes counted in bytes.
/// Prints what one task takes and what a million cost at the list prices (docs/cost.md gives their date).
/// </summary>
internal static class CostRun
{
    // us-east-1 list prices (checked 2026-11-30; ../shared/AWS-FACTS.md).
    private const double ApiGatewayPerRequest = 1.00 / 1e6;
    private const double LambdaPerRequest = 0.20 / 1e6;
    private const double LambdaArmPerGbSecond = 0.0000133334;
    private const double SchedulerPerInvocation = 1.00 / 1e6;
    private const double SqsPerRequest = 0.40 / 1e6;
    private const double DynamoPerWriteUnit = 0.625 / 1e6;
    private const double DynamoPerReadUnit = 0.125 / 1e6;
    private const double LogsPerGb = 0.50;

    /// <summary>The reference task's data: 200 bytes of JSON.</summary>
    private static readonly string Data = "{\"payment_id\": 1234567890, \"user_id\": 987654321, \"amount\": 129900, \"currency\": \"KRW\", \"note\": \"" + new string('x', 103) + "\"}";

    private static readonly string[] Variants = ["reference", "idempotency key", "three attempts", "answered with 100 bytes", "recurring, every minute", "recurring, hourly"];

    /// <summary>What the "answered with 100 bytes" variant's target answers (each attempt keeps the start of the answer).</summary>
    private static readonly string Answer = "{\"success\": true, \"message\": \"Payment reminder processed successfully\", \"payment_id\": 1234567890}";

    public static async Task RunAsync(Moto moto, int tasks)
    {
        if (Encoding.UTF8.GetByteCount(Data) != 200)
        {
            throw new InvalidOperationException($"reference data is {Encoding.UTF8.GetByteCount(Data)} bytes");
        }

        Console.WriteLine($"cost: {tasks} tasks per variant; reference data {Encoding.UTF8.GetByteCount(Data)} bytes; target answers after 100 ms");
        // Warm up (JIT, connections) on a variant whose figures are not kept.
        await VariantAsync(moto, "second", "three attempts", 5, quiet: true);
        var only = Environment.GetEnvironmentVariable("COST_VARIANT");
        foreach (var precision in new[] { "minute", "second" })
        {
            foreach (var variant in Variants.Where(v => only is null || v.StartsWith(only, StringComparison.Ordinal)))
            {
                await VariantAsync(moto, precision, variant, tasks);
            }
        }
    }

    private static async Task VariantAsync(Moto moto, string precision, string variant, int tasks, bool quiet = false)
    {
        // Twice: once with every DynamoDB request's units metered (which reads items around each write and so slows
        // the functions down), once unmetered for the functions' own time.
        var pass = variant.StartsWith("recurring", StringComparison.Ordinal) ? (Func<Moto, string, string, int, bool, Task<Pass>>)RecurringPassAsync : PassAsync;
        var metered = await pass(moto, precision, variant, tasks, true);
        var timed = await pass(moto, precision, variant, tasks, false);
        if (!quiet)
        {
            Report(precision, variant, tasks, metered, timed);
        }

        metered.Dispose();
        timed.Dispose();
    }

    private sealed record Pass(int Succeeded, int Hits, int ApiRequests, int SchedulerInvocations, int QueueDeliveries, double WaitMs, FunctionRun Schedule, FunctionRun Forwarder) : IDisposable
    {
        public void Dispose()
        {
            Schedule.Dispose();
            Forwarder.Dispose();
        }
    }

    private static async Task<Pass> PassAsync(Moto moto, string precision, string variant, int tasks, bool meterUnits)
    {
        var settings = Scenarios.Settings(moto.Endpoint, Guid.NewGuid().ToString("N")[..10]);
        settings[SettingNames.DeliveryPrecision] = precision;
        settings[SettingNames.LogLevel] = "INFO";
        settings[SettingNames.RetryBaseSeconds] = "30";
        settings[SettingNames.RetryCapSeconds] = "3600";
        await Scenarios.PrepareAsync(settings);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var target = await Target.StartAsync(TimeSpan.FromMilliseconds(100), failFirst: variant == "three attempts" ? 2 : 0, body: variant == "answered with 100 bytes" ? Answer : null);
        var wakeUps = new PendingWakeUps();
        var scheduleRun = new FunctionRun("ScheduleTaskFunction", settings, clock, moto.Endpoint, wakeUps, meterUnits);
        var forwarderRun = new FunctionRun("ForwarderFunction", settings, clock, moto.Endpoint, wakeUps, meterUnits);
        // The driver's own reads go around the meters.
        using var plainDynamo = new AmazonDynamoDBClient(new Amazon.Runtime.BasicAWSCredentials("testing", "testing"), new AmazonDynamoDBConfig { ServiceURL = moto.Endpoint, AuthenticationRegion = "ap-northeast-2" });
        var store = new Functions.TaskStore.DynamoTaskStore(plainDynamo, new Functions.TaskStore.TaskStoreSettings(settings[SettingNames.TableName]!, TimeSpan.FromDays(30)), clock);
        var apiRequests = 0;
        var schedulerInvocations = 0;
        var queueDeliveries = 0;
        var modelledWaitMs = 0.0;

        // Requests arrive at any fraction of a second (which decides how early a queued wake-up lands): spread them.
        var arrivals = new Random(42);
        for (var i = 0; i < tasks; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(arrivals.Next(1, 1000)));
            var key = variant == "idempotency key" ? $", \"idempotency_key\": \"order-{i}\"" : string.Empty;
            var body = $"{{\"url\": \"{target.Url}/hook\", \"delay_minutes\": 30, \"data\": {Data}{key}}}";
            var answer = await scheduleRun.InvokeAsync(HttpEvent(body));
            apiRequests++;
            var taskId = JsonNode.Parse(JsonNode.Parse(answer)!["body"]!.GetValue<string>())!["task_id"]!.GetValue<string>();

            // Fire wake-ups in time order until the task is finished.
            for (var guard = 0; guard < 20; guard++)
            {
                var task = await store.GetAsync(taskId, CancellationToken.None);
                if (task is not null && TaskStateMachine.IsFinal(task.Status))
                {
                    break;
                }

                var next = wakeUps.TakeEarliest() ?? throw new InvalidOperationException($"task {taskId} is {task?.Status} with no wake-up pending");
                if (next.At > clock.GetUtcNow())
                {
                    clock.SetUtcNow(next.At);
                }

                if (next.FromQueue)
                {
                    // The forwarder waits out the last stretch to run_at in the function (at most about a second):
                    // the fake clock cannot sleep, so it is moved there and the wait is added to the billed time.
                    queueDeliveries++;
                    var runAt = (await store.GetAsync(taskId, CancellationToken.None))!.RunAt;
                    if (runAt > clock.GetUtcNow() && runAt - clock.GetUtcNow() <= Functions.Forwarder.ForwardingService.MaxInvocationWait)
                    {
                        modelledWaitMs += (runAt - clock.GetUtcNow()).TotalMilliseconds;
                        clock.SetUtcNow(runAt);
                    }

                    await forwarderRun.InvokeAsync(SqsEvent(next.Body));
                }
                else
                {
                    schedulerInvocations++;
                    await forwarderRun.InvokeAsync(next.Body);
                }
            }
        }

        var finals = 0;
        foreach (var id in scheduleRun.TaskIds)
        {
            finals += (await store.GetAsync(id, CancellationToken.None))?.Status == TaskState.Succeeded ? 1 : 0;
        }

        return new Pass(finals, target.Hits, apiRequests, schedulerInvocations, queueDeliveries, modelledWaitMs, scheduleRun, forwarderRun);
    }

    /// <summary>
    /// Runs of one recurring schedule (<c>rate(1 minute)</c> or <c>rate(1 hour)</c>, the reference task's target and
    /// data): created once (its request and invocation counted, spread over the runs), then every wake-up fired in
    /// time order until <paramref name="runs"/> runs have succeeded. A run is a task; what it costs is per run.
    /// </summary>
    private static async Task<Pass> RecurringPassAsync(Moto moto, string precision, string variant, int runs, bool meterUnits)
    {
        var settings = Scenarios.Settings(moto.Endpoint, Guid.NewGuid().ToString("N")[..10]);
        settings[SettingNames.DeliveryPrecision] = precision;
        settings[SettingNames.LogLevel] = "INFO";
        await Scenarios.PrepareAsync(settings);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var target = await Target.StartAsync(TimeSpan.FromMilliseconds(100), failFirst: 0);
        var wakeUps = new PendingWakeUps();
        var createRun = new FunctionRun("CreateScheduleFunction", settings, clock, moto.Endpoint, wakeUps, meterUnits);
        var forwarderRun = new FunctionRun("ForwarderFunction", settings, clock, moto.Endpoint, wakeUps, meterUnits);
        using var plainDynamo = new AmazonDynamoDBClient(new Amazon.Runtime.BasicAWSCredentials("testing", "testing"), new AmazonDynamoDBConfig { ServiceURL = moto.Endpoint, AuthenticationRegion = "ap-northeast-2" });
        var store = new Functions.TaskStore.DynamoTaskStore(plainDynamo, new Functions.TaskStore.TaskStoreSettings(settings[SettingNames.TableName]!, TimeSpan.FromDays(30)), clock);
        var every = variant.EndsWith("minute", StringComparison.Ordinal) ? "rate(1 minute)" : "rate(1 hour)";
        var created = await createRun.InvokeAsync(HttpEvent($"{{\"schedule_expression\": \"{every}\", \"url\": \"{target.Url}/hook\", \"data\": {Data}}}", "/api/v1/schedules"));
        var scheduleId = JsonNode.Parse(JsonNode.Parse(created)!["body"]!.GetValue<string>())!["schedule_id"]!.GetValue<string>();
        var (schedulerInvocations, queueDeliveries, modelledWaitMs, succeeded) = (0, 0, 0.0, 0);
        for (var guard = 0; succeeded < runs && guard < runs * 10; guard++)
        {
            var next = wakeUps.TakeEarliest() ?? throw new InvalidOperationException($"schedule {scheduleId} has no wake-up pending; the forwarder's last log lines: {forwarderRun.LastLogLines(5)}; the create's: {createRun.LastLogLines(3)}");
            if (next.At > clock.GetUtcNow())
            {
                clock.SetUtcNow(next.At);
            }

            if (next.FromQueue)
            {
                // As for a task: the forwarder waits out the last stretch to the occurrence (modelled, see above).
                queueDeliveries++;
                var occurrence = JsonNode.Parse(next.Body)?["occurrence"]?.GetValue<string>() is { } text ? Timestamps.Parse(text) : (DateTimeOffset?)null;
                if (occurrence is { } due && due > clock.GetUtcNow() && due - clock.GetUtcNow() <= Functions.Forwarder.ForwardingService.MaxInvocationWait)
                {
                    modelledWaitMs += (due - clock.GetUtcNow()).TotalMilliseconds;
                    clock.SetUtcNow(due);
                }

                await forwarderRun.InvokeAsync(SqsEvent(next.Body));
            }
            else
            {
                schedulerInvocations++;
                await forwarderRun.InvokeAsync(next.Body);
            }

            succeeded = (await store.ListRunsAsync(scheduleId, runs + 10, null, CancellationToken.None)).Tasks.Count(t => t.Status == TaskState.Succeeded);
        }

        return new Pass(succeeded, target.Hits, 1, schedulerInvocations, queueDeliveries, modelledWaitMs, createRun, forwarderRun);
    }

    private static void Report(string precision, string variant, int tasks, Pass metered, Pass timed)
    {
        double Per(double total) => total / tasks;
        var (succeeded, hits, apiRequests, schedulerInvocations, queueDeliveries, waitMs) = (metered.Succeeded, metered.Hits, metered.ApiRequests, metered.SchedulerInvocations, metered.QueueDeliveries, timed.WaitMs);
        var (schedule, forwarder) = (metered.Schedule, metered.Forwarder);
        var runs = new[] { schedule, forwarder };
        var timedRuns = new[] { timed.Schedule, timed.Forwarder };
        var writeUnits = runs.Sum(r => r.Meter.WriteUnits);
        var readUnits = runs.Sum(r => r.Meter.ReadUnits);
        var sqsRequests = runs.Sum(r => r.Meter.Calls.Where(c => c.Key.StartsWith("SQS", StringComparison.Ordinal)).Sum(c => c.Value))

            // The event source mapping's own requests: a receive and a delete per batch (batches of one here, the
            // most it can cost; at volume a batch holds up to 10 messages).
            + (2 * queueDeliveries);
        var gbSeconds = timedRuns.Sum(r => r.BilledMs.Sum() / 1000.0 * r.MemoryMb / 1024.0) + (waitMs / 1000.0 * forwarder.MemoryMb / 1024.0);
        var invocations = runs.Sum(r => r.BilledMs.Count);
        // API Gateway's access log: one line per request, in the template's format.
        var accessLogBytes = apiRequests * (double)AccessLogLine.Length;
        var logBytes = runs.Sum(r => r.LogBytes) + accessLogBytes;
        var lines = runs.Sum(r => r.LogLines) + apiRequests;
        var dollars = new (string Item, double PerTask)[]
        {
            ("API Gateway HTTP API requests", Per(apiRequests) * ApiGatewayPerRequest),
            ("Lambda requests", Per(invocations) * LambdaPerRequest),
            ("Lambda duration (arm64)", Per(gbSeconds) * LambdaArmPerGbSecond),
            ("EventBridge Scheduler invocations", Per(schedulerInvocations) * SchedulerPerInvocation),
            ("SQS requests", Per(sqsRequests) * SqsPerRequest),
            ("DynamoDB write units", Per(writeUnits) * DynamoPerWriteUnit),
            ("DynamoDB read units", Per(readUnits) * DynamoPerReadUnit),
            ("CloudWatch Logs ingestion", Per(logBytes) / 1e9 * LogsPerGb),
        };
        Console.WriteLine();
        Console.WriteLine($"== {precision} precision, {variant}: {tasks} tasks, {succeeded} succeeded, target hit {hits} times");
        foreach (var (run, time) in runs.Zip(timedRuns))
        {
            var sorted = time.BilledMs.Order().ToList();
            Console.WriteLine($"  {run.Name}: {Per(run.BilledMs.Count):0.00} invocations/task at {run.MemoryMb} MB, billed ms p50 {sorted[sorted.Count / 2]:0} mean {sorted.Average():0.0} (here: wall {time.WallMs.Average():0.0} ms, CPU {time.CpuMs.Average():0.0} ms); logs {Per(run.LogLines):0.00} lines, {Per(run.LogBytes):0} bytes/task");
            Console.WriteLine($"    AWS requests/task: {string.Join(", ", run.Meter.Calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {Per(c.Value):0.##}"))}");
            Console.WriteLine($"    a log line: {run.FirstLogLine}");
            Console.WriteLine($"    DynamoDB units/task: {string.Join(", ", run.Meter.Units.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {Per(c.Value):0.###}"))}");
        }

        Console.WriteLine($"  API access log: {AccessLogLine.Length} bytes a request");
        Console.WriteLine($"  per task: API requests {Per(apiRequests):0.##}, Lambda invocations {Per(invocations):0.##} ({Per(gbSeconds):0.#####} GB-s incl. {Per(waitMs):0} ms modelled early-arrival wait), Scheduler invocations {Per(schedulerInvocations):0.##}, SQS requests {Per(sqsRequests):0.##}, write units {Per(writeUnits):0.###}, read units {Per(readUnits):0.###}, log lines {Per(lines):0.##} ({Per(logBytes):0} bytes)");
        foreach (var (item, perTask) in dollars)
        {
            Console.WriteLine($"    {item,-36} ${perTask * 1e6,7:0.000} per million");
        }

        Console.WriteLine($"  total: ${dollars.Sum(d => d.PerTask) * 1e6:0.00} per million tasks ({precision} precision, {variant})");
    }

    /// <summary>A typical access-log line of the template's format.</summary>
    private static readonly string AccessLogLine = """{"requestId":"Qm9vb2JvMjAyNjExMzA=","ip":"203.0.113.17","requestTime":"30/Nov/2026:15:20:00 +0000","routeKey":"POST /api/v1/tasks/schedule","status":"202","responseLength":"298","latencyMs":"41","integrationError":"-"}""" + "\n";

    private static string HttpEvent(string body, string path = "/api/v1/tasks/schedule") => new JsonObject
    {
        ["version"] = "2.0",
        ["routeKey"] = "POST " + path,
        ["rawPath"] = path,
        ["rawQueryString"] = "",
        ["headers"] = new JsonObject { ["authorization"] = "Bearer load-token", ["content-type"] = "application/json" },
        ["requestContext"] = new JsonObject { ["http"] = new JsonObject { ["method"] = "POST", ["path"] = path }, ["requestId"] = "cost", ["stage"] = "$default", ["authorizer"] = new JsonObject { ["lambda"] = new JsonObject { ["caller"] = "admin", ["admin"] = "true" } }, ["domainName"] = "api.example.com" },
        ["body"] = body,
        ["isBase64Encoded"] = false,
    }.ToJsonString();

    private static string SqsEvent(string body) => new JsonObject
    {
        ["Records"] = new JsonArray(new JsonObject { ["messageId"] = Guid.NewGuid().ToString(), ["body"] = body, ["eventSource"] = "aws:sqs" }),
    }.ToJsonString();

    /// <summary>One function's execution environment, as Lambda runs it, with its AWS requests metered and its logs counted.</summary>
    private sealed class FunctionRun : IDisposable
    {
        private readonly MemoryStream _logs = new();

        public FunctionRun(string name, Dictionary<string, string?> settings, FakeTimeProvider clock, string endpoint, PendingWakeUps wakeUps, bool meterUnits)
        {
            Name = name;
            MemoryMb = FunctionCatalog.Find(name)!.MemorySize;
            Meter = new CostMeter(endpoint) { MeterUnits = meterUnits, Observe = (request, path, body) => wakeUps.Observe(request, path, body, clock.GetUtcNow(), this) };
            Host = Scenarios.Host(name, settings, Meter, _logs, clock);
        }

        public string Name { get; }

        public int MemoryMb { get; }

        public CostMeter Meter { get; }

        public FunctionHost Host { get; }

        /// <summary>
        /// Each invocation's billed milliseconds on Lambda: the time it waited here, plus its CPU time stretched to the
        /// share of a vCPU its memory buys (1,769 MB is one vCPU; this machine gave it a whole core).
        /// </summary>
        public List<double> BilledMs { get; } = [];

        public List<double> WallMs { get; } = [];

        public List<double> CpuMs { get; } = [];

        public List<string> TaskIds { get; } = [];

        public long LogBytes => _logs.Length;

        public string FirstLogLine => Encoding.UTF8.GetString(_logs.ToArray()).Split('\n')[0];

        public int LogLines => Encoding.UTF8.GetString(_logs.ToArray()).Count(c => c == '\n');

        public string LastLogLines(int count) => string.Join("\n", Encoding.UTF8.GetString(_logs.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(count));

        public async Task<string> InvokeAsync(string @event)
        {
            using var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(@event));
            await using var output = await Host.EntryPoint(input, InvocationContext.Create("cost-" + Guid.NewGuid().ToString("N"), TimeSpan.FromSeconds(90)));
            var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            process.Refresh();
            var used = Math.Min(wall, (process.TotalProcessorTime - cpu).TotalMilliseconds);
            WallMs.Add(wall);
            CpuMs.Add(used);
            BilledMs.Add(Math.Ceiling(wall - used + (used * Math.Max(1, 1769.0 / MemoryMb))));
            using var reader = new StreamReader(output);
            var text = await reader.ReadToEndAsync();
            if (Name == "ScheduleTaskFunction" && JsonNode.Parse(text)?["body"]?.GetValue<string>() is { } body && JsonNode.Parse(body)?["task_id"]?.GetValue<string>() is { } id)
            {
                TaskIds.Add(id);
            }

            return text;
        }

        public void Dispose()
        {
            Host.Dispose();
            _logs.Dispose();
        }
    }

    /// <summary>The wake-ups the functions asked AWS for: schedules (fired at their at() time) and queue messages (after their delay).</summary>
    private sealed class PendingWakeUps
    {
        private readonly List<(string Name, DateTimeOffset At, string Body, bool FromQueue)> _pending = [];

        public void Observe(string request, string path, string body, DateTimeOffset now, FunctionRun _)
        {
            lock (_pending)
            {
                if (request.StartsWith("Scheduler POST", StringComparison.Ordinal))
                {
                    var schedule = JsonNode.Parse(body)!;
                    var expression = schedule["ScheduleExpression"]!.GetValue<string>();
                    var at = DateTimeOffset.Parse(expression[3..^1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                    _pending.Add((Uri.UnescapeDataString(path.Split('/')[^1]), at, schedule["Target"]!["Input"]!.GetValue<string>(), false));
                }
                else if (request.StartsWith("Scheduler DELETE", StringComparison.Ordinal))
                {
                    _pending.RemoveAll(p => !p.FromQueue && p.Name == Uri.UnescapeDataString(path.Split('/')[^1]));
                }
                else if (request == "SQS SendMessage")
                {
                    var message = JsonNode.Parse(body)!;
                    var delay = message["DelaySeconds"]?.GetValue<int>() ?? 0;
                    _pending.Add((Guid.NewGuid().ToString(), now.AddSeconds(delay), message["MessageBody"]!.GetValue<string>(), true));
                }
            }
        }

        public (DateTimeOffset At, string Body, bool FromQueue)? TakeEarliest()
        {
            lock (_pending)
            {
                if (_pending.Count == 0)
                {
                    return null;
                }

                var next = _pending.MinBy(p => p.At);
                _pending.Remove(next);
                return (next.At, next.Body, next.FromQueue);
            }
        }
    }
}
