using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Aws;
using Functions.Hosting.Http;
using Functions.Scheduler;
using Functions.Testing;
using Functions.TaskStore;
using Microsoft.Extensions.Configuration;

namespace Functions.Tests.Support;

/// <summary>
/// The task API's functions, built as in Lambda, against moto_server: a fresh table and schedule group per
/// instance, requests routed with the catalog's route table, as API Gateway would route them. Every function
/// runs on one clock: the system's, or a fake one a test moves.
/// </summary>
public sealed class TaskApi : IAsyncDisposable
{
    private readonly Dictionary<string, TestHost> _hosts = [];
    private readonly TimeProvider? _time;

    private TaskApi(Dictionary<string, string?> settings, SchedulerClient scheduler, TimeProvider? time)
    {
        Settings = settings;
        Scheduler = scheduler;
        _time = time;
    }

    public Dictionary<string, string?> Settings { get; }

    /// <summary>The project's Scheduler client, pointed at moto, for reading back what the functions did.</summary>
    public SchedulerClient Scheduler { get; }

    public string Group => Settings[SettingNames.ScheduleGroup]!;

    public string Table => Settings[SettingNames.TableName]!;

    public string DeliveryQueueUrl => Settings[SettingNames.DeliveryQueueUrl]!;

    public string FailedDeliveriesQueueUrl => Settings[SettingNames.FailedDeliveriesQueueUrl]!;

    /// <summary>The system dead-letter queue of this test's stack.</summary>
    public string DeadLetterQueueUrl => Settings[SettingNames.DeadLetterQueueUrl]!;

    public static async Task<TaskApi> CreateAsync(MotoServer moto, Action<Dictionary<string, string?>>? adjust = null, bool createGroup = true, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(moto);
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var settings = TestSettings.For(moto.Endpoint, "tasks-" + suffix, "tasks-" + suffix);
        adjust?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var aws = new AwsSettings(configuration);
        using (var dynamoDb = moto.DynamoDb())
        {
            await TaskTableSchema.EnsureCreatedAsync(dynamoDb, settings[SettingNames.TableName]!, CancellationToken.None);
        }

        using (var sqs = moto.Sqs())
        {
            var failed = await sqs.CreateQueueAsync("failed-" + suffix);
            var delivery = await sqs.CreateQueueAsync("delivery-" + suffix);
            settings.TryAdd(SettingNames.DeliveryQueueUrl, delivery.QueueUrl);
            settings.TryAdd(SettingNames.FailedDeliveriesQueueUrl, failed.QueueUrl);
            settings.TryAdd(SettingNames.DeadLetterQueueUrl, (await sqs.CreateQueueAsync("dlq-" + suffix)).QueueUrl);
        }

        var scheduler = SchedulerClient.Create(aws);
        if (createGroup)
        {
            await scheduler.EnsureScheduleGroupAsync(settings[SettingNames.ScheduleGroup]!, CancellationToken.None);
        }

        return new TaskApi(settings, scheduler, time);
    }

    public TestHost Host(string function)
    {
        if (!_hosts.TryGetValue(function, out var host))
        {
            host = TestHost.Create(function, Settings, _time);
            _hosts[function] = host;
        }

        return host;
    }

    public async Task<HttpApiResponse> SendAsync(string method, string path, string? body = null, string? token = TestSettings.Token, string? query = null, string? contentType = "application/json", IReadOnlyDictionary<string, string>? headers = null)
    {
        var (function, @event) = HttpEvents.Routed(method, path, body, token, query, contentType);
        if (headers is not null)
        {
            // API Gateway hands header names over lower-cased.
            var node = System.Text.Json.Nodes.JsonNode.Parse(@event)!;
            foreach (var (name, value) in headers)
            {
                node["headers"]![name.ToLowerInvariant()] = value;
            }

            @event = node.ToJsonString();
        }

        return await ThroughTheEdgeAsync(function, @event);
    }

    /// <summary>As API Gateway does: a route with the authorizer runs it first (<see cref="Functions.Local.EdgeAuthorizer"/>).</summary>
    private async Task<HttpApiResponse> ThroughTheEdgeAsync(string function, string @event)
    {
        var target = Host(function);
        if (!target.Host.Function.RequiresApiToken)
        {
            return await target.InvokeHttpAsync(@event);
        }

        var edge = new Functions.Local.EdgeAuthorizer(Host(Functions.Local.EdgeAuthorizer.Function.Name).Host.EntryPoint);
        var request = JsonSerializer.Deserialize(@event, Functions.Serialization.FunctionsJsonContext.Default.HttpApiRequest)!;
        var (allowed, answer) = await edge.AuthorizeAsync(request, target.Context());
        return allowed is null
            ? answer!
            : await target.InvokeHttpAsync(JsonSerializer.Serialize(allowed, Functions.Serialization.FunctionsJsonContext.Default.HttpApiRequest));
    }

    /// <summary>Sends bytes as they are (API Gateway hands a body that is not valid text to the function base64-encoded).</summary>
    public async Task<HttpApiResponse> SendBytesAsync(string method, string path, byte[] body, string contentType = "application/json")
    {
        var (function, @event) = HttpEvents.Routed(method, path, Convert.ToBase64String(body), TestSettings.Token, contentType: contentType, base64: true);
        return await ThroughTheEdgeAsync(function, @event);
    }

    /// <summary>Wakes the forwarder as a schedule does: an asynchronous invocation with the schedule's Input.</summary>
    public Task<string> WakeAsync(string taskId) =>
        Host("ForwarderFunction").InvokeAsync(new Functions.Tasks.WakeUps.WakeUpMessage { TaskId = taskId }.ToJson());

    /// <summary>A store on the same table and clock as the functions, for putting tasks into states no request makes.</summary>
    public DynamoTaskStore Store(MotoServer moto)
    {
        ArgumentNullException.ThrowIfNull(moto);
        return new DynamoTaskStore(moto.DynamoDb(), new TaskStoreSettings(Table, TimeSpan.FromDays(30)), _time ?? TimeProvider.System);
    }

    public static JsonElement Json(HttpApiResponse response) => JsonDocument.Parse(response.Body!).RootElement.Clone();

    public async Task<IReadOnlyList<ScheduleSummary>> SchedulesAsync(string? prefix = null)
    {
        var all = new List<ScheduleSummary>();
        string? next = null;
        do
        {
            var page = await Scheduler.ListSchedulesAsync(Group, prefix, next, CancellationToken.None);
            all.AddRange(page.Schedules ?? []);
            next = page.NextToken;
        }
        while (next is not null);
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts.Values)
        {
            host.Dispose();
        }

        Scheduler.Dispose();
        await Task.CompletedTask;
    }
}
