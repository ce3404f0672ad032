using Functions.Testing;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;
using Functions.Hosting.Http;
using Functions.Tests.Support;
using Functions.Webhooks;

namespace Functions.Tests.Integration;

/// <summary>The callback functions as a receiver of signed deliveries, against moto.</summary>
[Collection(MotoGroup.Name)]
public sealed class CallbackTests(MotoServer moto)
{
    private const string TaskBody = """{"task_id": 123, "user_id": 456, "data": {"action": "test"}}""";

    /// <summary>A delivery signed from the spec with System.Security.Cryptography, not with the project's signer.</summary>
    private static async Task<HttpApiResponse> DeliverAsync(TaskApi api, string path, string body, string? id = null, long? timestamp = null, string? secret = null, string? signature = null, string? sentBody = null, string contentType = "application/json")
    {
        id ??= "msg_" + Guid.NewGuid().ToString("N");
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        signature ??= Signatures.Expected(secret ?? TestSettings.SigningSecret, id, ts, body);
        var @event = JsonNode.Parse(HttpEvents.Create("POST", path, sentBody ?? body))!.AsObject();
        var function = Functions.Hosting.Http.RouteTable.FromCatalog().Match("POST", path).Function!;
        @event["routeKey"] = function.Route!.RouteKey;
        var headers = @event["headers"]!.AsObject();
        headers["content-type"] = contentType;
        headers["webhook-id"] = id;
        headers["webhook-timestamp"] = ts;
        headers["webhook-signature"] = signature;
        return await api.Host(function.Name).InvokeHttpAsync(@event.ToJsonString());
    }

    private static async Task<int> EffectsAsync(MotoServer moto, TaskApi api, string kind)
    {
        using var dynamoDb = moto.DynamoDb();
        var scan = await dynamoDb.ScanAsync(new ScanRequest
        {
            TableName = api.Table,
            FilterExpression = "begins_with(pk, :p)",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":p"] = new($"callback#effect#{kind}#") },
        });
        return scan.Items.Count;
    }

    [Fact]
    public async Task AValidDelivery_IsProcessedOnce_AndARedeliveryAnswers200WithoutRepeatingIt()
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var first = await DeliverAsync(api, "/api/v1/tasks/callback", TaskBody, id: "msg_same");
        var again = await DeliverAsync(api, "/api/v1/tasks/callback", TaskBody, id: "msg_same");

        Assert.Equal(200, first.StatusCode);
        using var body = JsonDocument.Parse(first.Body!);
        Assert.True(body.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal("Task processed successfully", body.RootElement.GetProperty("message").GetString());
        Assert.Equal(123, body.RootElement.GetProperty("task_id").GetInt64());
        Assert.Equal(200, again.StatusCode);
        Assert.Equal(1, await EffectsAsync(moto, api, "task"));
    }

    [Theory]
    [InlineData("/api/v1/payments/expiration-reminder", """{"payment_id": 12345, "user_id": 789, "amount": 9900}""", "payment-expiration-reminder")]
    [InlineData("/api/v1/emails/send-welcome", """{"user_id": 456, "email": "user@example.com", "template": "welcome"}""", "welcome-email")]
    [InlineData("/api/v1/cleanup/temp-files", """{"file_id": "temp-abc123", "bucket": "temp-storage"}""", "cleanup-temp-files")]
    public async Task TheGuidesExamples_AreEachReceivedByTheirOwnFunction(string path, string body, string kind)
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await DeliverAsync(api, path, body);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(1, await EffectsAsync(moto, api, kind));
    }

    public static TheoryData<string, Func<TaskApi, Task<HttpApiResponse>>> Refusals => new()
    {
        { "stale", api => DeliverAsync(api, "/api/v1/tasks/callback", TaskBody, timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds()) },
        { "future", api => DeliverAsync(api, "/api/v1/tasks/callback", TaskBody, timestamp: DateTimeOffset.UtcNow.AddMinutes(6).ToUnixTimeSeconds()) },
        { "tampered", api => DeliverAsync(api, "/api/v1/tasks/callback", TaskBody, sentBody: TaskBody.Replace("123", "124", StringComparison.Ordinal)) },
        { "wrong key", api => DeliverAsync(api, "/api/v1/tasks/callback", TaskBody, secret: WebhookKey.Generate()) },
        { "unsigned", api => DeliverAsync(api, "/api/v1/tasks/callback", TaskBody, signature: "") },
        { "other scheme", api => DeliverAsync(api, "/api/v1/tasks/callback", TaskBody, signature: "v2,AAAA") },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ADeliveryThatIsNotProperlySigned_Is401WithNoEffect(string why, Func<TaskApi, Task<HttpApiResponse>> deliver)
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await deliver(api);

        Assert.True(response.StatusCode == 401, why);
        Assert.Equal("application/problem+json", response.Headers!["content-type"]);
        Assert.Equal(0, await EffectsAsync(moto, api, "task"));
    }

    [Fact]
    public async Task DuringKeyRotation_ADeliverySignedWithTheOldKeyStillVerifies()
    {
        var newKey = WebhookKey.Generate();
        await using var api = await TaskApi.CreateAsync(moto, s => s[Functions.Hosting.SettingNames.SigningSecret] = newKey + " " + TestSettings.SigningSecret);

        var old = await DeliverAsync(api, "/api/v1/tasks/callback", TaskBody, secret: TestSettings.SigningSecret);
        var current = await DeliverAsync(api, "/api/v1/tasks/callback", TaskBody, secret: newKey);

        Assert.Equal(200, old.StatusCode);
        Assert.Equal(200, current.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/tasks/callback", """{"task_id": "123", "user_id": 456}""", "task_id")]
    [InlineData("/api/v1/tasks/callback", """{"task_id": 1.5, "user_id": 456}""", "task_id")]
    [InlineData("/api/v1/tasks/callback", """{"task_id": 1, "user_id": 456, "data": [1]}""", "data")]
    [InlineData("/api/v1/tasks/callback", """[1, 2]""", "body")]
    [InlineData("/api/v1/tasks/callback", """{not json""", "body")]
    [InlineData("/api/v1/tasks/callback", """{"task_id": 1, "user_id": 456, "task_id": 2}""", "task_id")]
    [InlineData("/api/v1/tasks/callback", """{"task_id": 1, "user_id": 456, "data": {"a": 1, "a": 2}}""", "data.a")]
    [InlineData("/api/v1/payments/expiration-reminder", """{"payment_id": 1, "user_id": 2}""", "amount")]
    [InlineData("/api/v1/emails/send-welcome", """{"user_id": 1, "email": "not-an-email", "template": "welcome"}""", "email")]
    [InlineData("/api/v1/cleanup/temp-files", """{"file_id": "", "bucket": "b"}""", "file_id")]
    public async Task AnInvalidBody_Is400NamingTheField_WithNoEffect(string path, string body, string field)
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await DeliverAsync(api, path, body);

        Assert.Equal(400, response.StatusCode);
        using var problem = JsonDocument.Parse(response.Body!);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), response.Body);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task ASignedBodyNotSentAsJson_Is415_WithNoEffect(string contentType)
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await DeliverAsync(api, "/api/v1/tasks/callback", TaskBody, contentType: contentType);

        Assert.Equal(415, response.StatusCode);
        Assert.Equal(0, await EffectsAsync(moto, api, "task"));
    }
}
