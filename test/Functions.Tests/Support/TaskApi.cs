using System.Text.Json;
using System.Text.Json.Nodes;
using Functions.Forwarder;
using Functions.Hosting;
using Functions.Hosting.Aws;
using Functions.Hosting.Http;
using Functions.Scheduler;
using Functions.TaskStore;
using Functions.Tasks;
using Microsoft.Extensions.Configuration;

namespace Functions.Tests.Support;

/// <summary>
/// The task API's functions, built as in Lambda, against moto_server: a fresh table and schedule group per
/// instance, requests routed with the catalog's route table, as API Gateway would route them.
/// </summary>
public sealed class TaskApi : IAsyncDisposable
{
    public const string Token = "test-token-0123456789";
    private readonly Dictionary<string, TestHost> _hosts = [];
    private readonly RouteTable _routes = RouteTable.FromCatalog();

    private TaskApi(Dictionary<string, string?> settings, SchedulerClient scheduler)
    {
        Settings = settings;
        Scheduler = scheduler;
    }

    public Dictionary<string, string?> Settings { get; }

    /// <summary>The project's Scheduler client, pointed at moto, for reading back what the functions did.</summary>
    public SchedulerClient Scheduler { get; }

    public string Group => Settings[SettingNames.ScheduleGroup]!;

    public string Table => Settings[SettingNames.TableName]!;

    public string DeliveryQueueUrl => Settings[SettingNames.DeliveryQueueUrl]!;

    public string DeadLetterQueueUrl => Settings[SettingNames.DeadLetterQueueUrl]!;

    public static Dictionary<string, string?> BaseSettings(MotoServer moto, string table, string group) => new()
    {
        ["AWS_REGION"] = MotoServer.Region,
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_ENDPOINT_URL"] = moto.Endpoint,
        [SettingNames.TableName] = table,
        [SettingNames.ScheduleGroup] = group,
        [SettingNames.SchedulerRoleArn] = "arn:aws:iam::123456789012:role/tasks-scheduler",
        [SettingNames.ForwarderArn] = "arn:aws:lambda:ap-northeast-2:123456789012:function:tasks-forwarder",
        [SettingNames.DeadLetterQueueArn] = "arn:aws:sqs:ap-northeast-2:123456789012:tasks-dlq",
        [SettingNames.CallbackBaseUrl] = "https://api.example.com",
        [SettingNames.ApiToken] = Token,
        [SettingNames.SigningSecret] = SigningSecret,
    };

    /// <summary>A fixed test key (whsec_ + base64 of 32 bytes), so tests can verify signatures independently.</summary>
    public const string SigningSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public static async Task<TaskApi> CreateAsync(MotoServer moto, Action<Dictionary<string, string?>>? adjust = null, bool createGroup = true)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var settings = BaseSettings(moto, "tasks-" + suffix, "tasks-" + suffix);
        adjust?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var aws = new AwsSettings(configuration);
        using (var dynamoDb = moto.DynamoDb())
        {
            await TaskTableSchema.EnsureCreatedAsync(dynamoDb, settings[SettingNames.TableName]!, CancellationToken.None);
        }

        using (var sqs = moto.Sqs())
        {
            var dlq = await sqs.CreateQueueAsync("dlq-" + suffix);
            var delivery = await sqs.CreateQueueAsync("delivery-" + suffix);
            settings.TryAdd(SettingNames.DeliveryQueueUrl, delivery.QueueUrl);
            settings.TryAdd(SettingNames.DeadLetterQueueUrl, dlq.QueueUrl);
        }

        var scheduler = SchedulerClient.Create(aws);
        if (createGroup)
        {
            await scheduler.EnsureScheduleGroupAsync(settings[SettingNames.ScheduleGroup]!, CancellationToken.None);
        }

        return new TaskApi(settings, scheduler);
    }

    public TestHost Host(string function)
    {
        if (!_hosts.TryGetValue(function, out var host))
        {
            host = TestHost.Create(function, Settings);
            _hosts[function] = host;
        }

        return host;
    }

    public async Task<HttpApiResponse> SendAsync(string method, string path, string? body = null, string? token = Token, string? query = null)
    {
        var match = _routes.Match(method, path);
        var function = match.Function?.Name ?? throw new InvalidOperationException($"No function serves {method} {path}");
        var @event = JsonNode.Parse(HttpEvents.Create(method, path, body))!.AsObject();
        @event["routeKey"] = match.Function.Route!.RouteKey;
        @event["pathParameters"] = match.PathParameters is { Count: > 0 } p ? JsonSerializer.SerializeToNode(p.ToDictionary(), Serialization.FunctionsJsonContext.Default.DictionaryStringString) : null;
        var headers = @event["headers"]!.AsObject();
        headers["content-type"] = "application/json";
        if (token is not null)
        {
            headers["authorization"] = "Bearer " + token;
        }

        if (query is not null)
        {
            @event["rawQueryString"] = query;
            @event["queryStringParameters"] = new JsonObject(query.Split('&').Select(pair => pair.Split('=', 2))
                .Select(kv => new KeyValuePair<string, JsonNode?>(kv[0], Uri.UnescapeDataString(kv.Length > 1 ? kv[1] : ""))));
        }

        return await Host(function).InvokeHttpAsync(@event.ToJsonString());
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
