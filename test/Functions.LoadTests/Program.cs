using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.SQS;
using Functions.Forwarder;
using Functions.Hosting;
using Functions.Hosting.Aws;
using Functions.Scheduler;
using Functions.Tasks;
using Functions.TaskStore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Load scripts for docs/benchmarks.md. Not tests: they measure, they do not assert.
//   dotnet run -c Release --project test/Functions.LoadTests -- schedule [count=2000] [concurrency=8]
//   dotnet run -c Release --project test/Functions.LoadTests -- deliver  [count=5000] [concurrency=16]   (TargetCall: build, sign, send, classify)
//   dotnet run -c Release --project test/Functions.LoadTests -- forward  [count=1000] [concurrency=8]
//   dotnet run -c Release --project test/Functions.LoadTests -- runner   [count=10000] [concurrency=32]   (build src/Functions.Local -c Release first)
//   dotnet run -c Release --project test/Functions.LoadTests -- cost     [tasks per variant=100]          (docs/cost.md)
//   dotnet run -c Release --project test/Functions.LoadTests -- recurring [schedules=1000] [concurrency=32] [minutes=3]   (build src/Functions.Local -c Release first)
// schedule and forward need moto_server: MOTO_ENDPOINT=http://127.0.0.1:PORT, or moto_server on PATH.
var scenario = args.ElementAtOrDefault(0) ?? "schedule";
var count = int.Parse(args.ElementAtOrDefault(1) ?? (scenario == "deliver" ? "5000" : scenario == "runner" ? "10000" : scenario is "forward" or "recurring" ? "1000" : "2000"), System.Globalization.CultureInfo.InvariantCulture);
var concurrency = int.Parse(args.ElementAtOrDefault(2) ?? (scenario == "deliver" ? "16" : "8"), System.Globalization.CultureInfo.InvariantCulture);
Console.WriteLine($"{scenario}: {count} operations, concurrency {concurrency}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");

using var moto = scenario is "deliver" or "runner" or "recurring" ? null : await Moto.StartAsync();
switch (scenario)
{
    case "schedule": await Scenarios.ScheduleAsync(moto!, count, concurrency); break;
    case "deliver": await Scenarios.DeliverAsync(count, concurrency); break;
    case "forward": await Scenarios.ForwardAsync(moto!, count, concurrency); break;
    case "runner": await RunnerLoad.RunAsync(count == 1000 ? 10000 : count, concurrency == 8 ? 32 : concurrency); break;
    case "cost": await CostRun.RunAsync(moto!, count == 2000 ? 100 : count); break;
    case "recurring": await RecurringLoad.RunAsync(count, int.Parse(args.ElementAtOrDefault(3) ?? "3", System.Globalization.CultureInfo.InvariantCulture), concurrency == 8 ? 32 : concurrency); break;
    default: Console.Error.WriteLine("scenario: schedule | deliver | forward | runner | cost | recurring"); return 2;
}

return 0;

internal static class Scenarios
{
    internal static Dictionary<string, string?> Settings(string endpoint, string suffix) => new()
    {
        ["AWS_REGION"] = "ap-northeast-2",
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_ENDPOINT_URL"] = endpoint,
        [SettingNames.TableName] = "load-" + suffix,
        [SettingNames.ScheduleGroup] = "load-" + suffix,
        [SettingNames.SchedulerRoleArn] = "arn:aws:iam::123456789012:role/scheduler",
        [SettingNames.ForwarderArn] = "arn:aws:lambda:ap-northeast-2:123456789012:function:forwarder",
        [SettingNames.DeadLetterQueueArn] = "arn:aws:sqs:ap-northeast-2:123456789012:dlq",
        [SettingNames.CallbackBaseUrl] = "https://api.example.com",
        [SettingNames.ApiToken] = "load-token",
        [SettingNames.SigningSecret] = WebhookKeyText,
        [SettingNames.AllowedTargetHosts] = "127.0.0.1",
        [SettingNames.DeliveryQueueUrl] = endpoint + "/123456789012/unused",
        [SettingNames.FailedDeliveriesQueueUrl] = endpoint + "/123456789012/unused-dlq",
    };

    private const string WebhookKeyText = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    internal static async Task PrepareAsync(Dictionary<string, string?> settings)
    {
        var aws = new AwsSettings(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        using var dynamoDb = new AmazonDynamoDBClient(aws.Credentials, aws.Configure(new AmazonDynamoDBConfig(), "DYNAMODB"));
        await TaskTableSchema.EnsureCreatedAsync(dynamoDb, settings[SettingNames.TableName]!, CancellationToken.None);
        using var scheduler = SchedulerClient.Create(aws);
        await scheduler.EnsureScheduleGroupAsync(settings[SettingNames.ScheduleGroup]!, CancellationToken.None);
        using var sqs = new AmazonSQSClient(aws.Credentials, aws.Configure(new AmazonSQSConfig(), "SQS"));
        settings[SettingNames.DeliveryQueueUrl] = (await sqs.CreateQueueAsync("delivery-" + settings[SettingNames.TableName])).QueueUrl;
        settings[SettingNames.FailedDeliveriesQueueUrl] = (await sqs.CreateQueueAsync("dlq-" + settings[SettingNames.TableName])).QueueUrl;
    }

    /// <summary>A function's execution environment, its AWS requests going through <paramref name="meter"/> when given.</summary>
    internal static FunctionHost Host(string function, Dictionary<string, string?> settings, CostMeter? meter = null, Stream? logs = null, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings)
            .AddInMemoryCollection([new KeyValuePair<string, string?>(SettingNames.FunctionHandler, function)])
            .Build();
        return FunctionHost.Create(configuration, logs ?? Stream.Null, services =>
        {
            if (time is not null)
            {
                services.AddSingleton(time);
            }

            if (meter is null)
            {
                return;
            }

            // The same clients, with every AWS request seen on its way out.
            services.AddSingleton<IAmazonDynamoDB>(sp =>
            {
                var aws = sp.GetRequiredService<AwsSettings>();
                var config = aws.Configure(new AmazonDynamoDBConfig(), "DYNAMODB");
                config.HttpClientFactory = meter;
                return new AmazonDynamoDBClient(aws.Credentials, config);
            });
            services.AddSingleton<IAmazonSQS>(sp =>
            {
                var aws = sp.GetRequiredService<AwsSettings>();
                var config = aws.Configure(new AmazonSQSConfig(), "SQS");
                config.HttpClientFactory = meter;
                return new AmazonSQSClient(aws.Credentials, config);
            });
            services.AddSingleton<ISchedulerClient>(sp =>
            {
                var aws = sp.GetRequiredService<AwsSettings>();
                var signing = new Amazon.Runtime.Signing.SigV4SigningHandler(aws.Credentials, aws.Region, "scheduler", meter.Wrap(new SocketsHttpHandler()));
                return new SchedulerClient(new HttpClient(signing) { BaseAddress = aws.EndpointOverride("SCHEDULER") }, SchedulerClient.DefaultRetry());
            });
        });
    }

    private static string Event(string body)
    {
        var @event = new JsonObject
        {
            ["version"] = "2.0",
            ["routeKey"] = "POST /api/v1/tasks/schedule",
            ["rawPath"] = "/api/v1/tasks/schedule",
            ["rawQueryString"] = "",
            ["headers"] = new JsonObject { ["authorization"] = "Bearer load-token", ["content-type"] = "application/json" },
            ["requestContext"] = new JsonObject { ["http"] = new JsonObject { ["method"] = "POST", ["path"] = "/api/v1/tasks/schedule" }, ["requestId"] = "load", ["stage"] = "$default", ["authorizer"] = new JsonObject { ["lambda"] = new JsonObject { ["caller"] = "admin", ["admin"] = "true" } } },
            ["body"] = body,
            ["isBase64Encoded"] = false,
        };
        return @event.ToJsonString();
    }

    public static async Task ScheduleAsync(Moto moto, int count, int concurrency)
    {
        var settings = Settings(moto.Endpoint, Guid.NewGuid().ToString("N")[..10]);
        await PrepareAsync(settings);
        var counter = new CostMeter(moto.Endpoint) { MeterUnits = false };
        using var host = Host("ScheduleTaskFunction", settings, counter);
        var payload = Encoding.UTF8.GetBytes(Event("""{"delay_minutes": 30, "data": {"payment_id": 12345, "user_id": 789, "amount": 9900}}"""));

        async Task<double> One()
        {
            var started = Stopwatch.GetTimestamp();
            using var input = new MemoryStream(payload);
            await using var output = await host.EntryPoint(input, InvocationContext.Create("load", TimeSpan.FromSeconds(30)));
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        for (var i = 0; i < 50; i++)
        {
            await One();
        }

        counter.Reset();
        var latencies = await Run(count, concurrency, One);
        Report("schedule", latencies);
        Console.WriteLine($"AWS calls per scheduled task: {counter.Total / (double)count:0.00} ({counter.Describe()})");
    }

    public static async Task DeliverAsync(int count, int concurrency)
    {
        await using var target = await Target.StartAsync();
        var settings = Settings("http://127.0.0.1:9", "deliver");
        using var host = Host("ForwarderFunction", settings);
        var call = host.Services.GetRequiredService<TargetCall>();
        var task = new TaskRecord
        {
            TaskId = TaskIds.New(),
            Status = TaskState.Running,
            RunAt = DateTimeOffset.UtcNow,
            Url = target.Url + "/hook",
            Method = "POST",
            Headers = new Dictionary<string, string> { ["X-Tenant"] = "acme" },
            Data = """{"payment_id": 12345, "user_id": 789, "amount": 9900}""",
            MaxAttempts = 3,
            TimeoutSeconds = 30,
            Attempts = 1,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        using var plain = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var body = Encoding.UTF8.GetBytes(task.Data);

        async Task<double> Baseline()
        {
            var started = Stopwatch.GetTimestamp();
            using var content = new ByteArrayContent(body);
            using var response = await plain.PostAsync(task.Url, content);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        async Task<double> Forwarded()
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = await call.SendAsync(task, TimeSpan.FromSeconds(30), CancellationToken.None);
            if (outcome.StatusCode != 200)
            {
                throw new InvalidOperationException($"delivery answered {outcome.StatusCode} {outcome.Error}");
            }

            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        for (var i = 0; i < 500; i++)
        {
            await Baseline();
            await Forwarded();
        }

        var (baseCpu, baseAlloc, _) = await Sequential(count, Baseline);
        var (fwdCpu, fwdAlloc, fwdLatencies) = await Sequential(count, Forwarded);
        Console.WriteLine($"per delivery, sequential: forwarder {fwdCpu:0.000} CPU ms and {fwdAlloc / 1024.0:0.0} KB allocated; plain HttpClient POST to the same target {baseCpu:0.000} CPU ms, {baseAlloc / 1024.0:0.0} KB");
        Console.WriteLine($"forwarder overhead beyond the call itself: {fwdCpu - baseCpu:0.000} CPU ms, {(fwdAlloc - baseAlloc) / 1024.0:0.0} KB per delivery (both include the in-process target's share)");
        Report("deliver (sequential)", fwdLatencies);
        Report($"deliver (concurrency {concurrency})", await Run(count, concurrency, Forwarded));
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"peak working set of this process (forwarder and target together): {self.PeakWorkingSet64 / 1048576.0:0.0} MB; GC heap now {GC.GetTotalMemory(false) / 1048576.0:0.0} MB");
    }

    public static async Task ForwardAsync(Moto moto, int count, int concurrency)
    {
        await using var target = await Target.StartAsync();
        var settings = Settings(moto.Endpoint, Guid.NewGuid().ToString("N")[..10]);
        await PrepareAsync(settings);
        var counter = new CostMeter(moto.Endpoint) { MeterUnits = false };
        using var host = Host("ForwarderFunction", settings, counter);
        var store = host.Services.GetRequiredService<ITaskStore>();
        var forwarding = host.Services.GetRequiredService<ForwardingService>();
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var now = DateTimeOffset.UtcNow;
            var id = TaskIds.New();
            await store.CreateAsync(
                new TaskRecord
                {
                    TaskId = id, Status = TaskState.Scheduled, RunAt = now.AddSeconds(-1), Url = target.Url + "/hook", Method = "POST",
                    Headers = new Dictionary<string, string>(), Data = """{"n": 1}""", MaxAttempts = 3, TimeoutSeconds = 30, CreatedAt = now, UpdatedAt = now,
                },
                null,
                CancellationToken.None);
            ids.Add(id);
        }

        counter.Reset();
        var queue = new Queue<string>(ids);
        var latencies = await Run(count, concurrency, async () =>
        {
            string id;
            lock (queue)
            {
                id = queue.Dequeue();
            }

            var started = Stopwatch.GetTimestamp();
            await forwarding.ProcessAsync(new Functions.Tasks.WakeUps.WakeUpMessage { TaskId = id }, InvocationContext.Create("load", TimeSpan.FromSeconds(60)));
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        });
        Report("forward (get, claim, deliver, record)", latencies);
        Console.WriteLine($"target received {target.Hits} requests for {count} tasks; AWS calls per delivery: {counter.Total / (double)count:0.00} ({counter.Describe()})");
    }

    private static async Task<(double CpuMs, double AllocatedBytes, List<double> Latencies)> Sequential(int count, Func<Task<double>> one)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(true);
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            latencies.Add(await one());
        }

        process.Refresh();
        return ((process.TotalProcessorTime - cpu).TotalMilliseconds / count, (GC.GetTotalAllocatedBytes(true) - allocated) / (double)count, latencies);
    }

    private static async Task<List<double>> Run(int count, int concurrency, Func<Task<double>> one)
    {
        var latencies = new List<double>(count);
        var wall = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (_, _) =>
        {
            var ms = await one();
            lock (latencies)
            {
                latencies.Add(ms);
            }
        });
        wall.Stop();
        Console.WriteLine($"  {count} in {wall.Elapsed.TotalSeconds:0.00} s = {count / wall.Elapsed.TotalSeconds:0.0} per second");
        return latencies;
    }

    private static void Report(string name, List<double> latencies)
    {
        latencies.Sort();
        double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        Console.WriteLine($"{name}: p50 {P(0.50):0.00} ms, p99 {P(0.99):0.00} ms, max {latencies[^1]:0.00} ms (n={latencies.Count})");
    }
}

/// <summary>
/// A loopback target: answers 200, after <c>delay</c> when one is given, and 503 to a delivery's first
/// <c>failFirst</c> attempts (counted by webhook-id).
/// </summary>
internal sealed class Target : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, int> _seen = [];
    private int _hits;

    private Target(WebApplication app) => _app = app;

    public string Url => _app.Urls.First();

    public int Hits => _hits;

    public static async Task<Target> StartAsync(TimeSpan delay = default, int failFirst = 0, string? body = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var target = new Target(app);
        app.Run(async http =>
        {
            Interlocked.Increment(ref target._hits);
            await http.Request.Body.CopyToAsync(Stream.Null);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay);
            }

            var seen = 0;
            if (failFirst > 0)
            {
                var id = http.Request.Headers["webhook-id"].ToString();
                lock (target._seen)
                {
                    seen = target._seen[id] = target._seen.GetValueOrDefault(id) + 1;
                }
            }

            http.Response.StatusCode = seen > 0 && seen <= failFirst ? 503 : 200;
            if (body is not null)
            {
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(body);
            }
        });
        await app.StartAsync();
        return target;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>moto_server: MOTO_ENDPOINT, or one started here on a free port.</summary>
internal sealed class Moto : IDisposable
{
    private Process? _process;

    public string Endpoint { get; private set; } = "";

    public static async Task<Moto> StartAsync()
    {
        var moto = new Moto();
        var given = Environment.GetEnvironmentVariable("MOTO_ENDPOINT");
        if (!string.IsNullOrEmpty(given))
        {
            moto.Endpoint = given.TrimEnd('/');
            return moto;
        }

        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        moto._process = Process.Start(new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true, RedirectStandardError = true });
        moto._process!.BeginOutputReadLine();
        moto._process.BeginErrorReadLine();
        moto.Endpoint = $"http://127.0.0.1:{port}";
        using var http = new HttpClient();
        for (var i = 0; i < 150; i++)
        {
            try
            {
                using var response = await http.GetAsync(moto.Endpoint + "/moto-api/");
                return moto;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException("moto_server did not start");
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
        }

        _process?.Dispose();
    }
}
