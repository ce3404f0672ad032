using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Functions.Hosting;
using Functions.Testing;
using Functions.Tests.Support;
using Functions.Webhooks;

namespace Functions.Tests.Integration;

/// <summary>
/// Many callers, each with its own keys, tasks, idempotency keys and signing secrets, through the functions as Lambda
/// runs them, on moto: no caller sees, cancels or collides with another's tasks, nor verifies another's deliveries.
/// </summary>
[Collection(MotoGroup.Name)]
public sealed class CallerTests(MotoServer moto)
{
    private Task<TaskApi> ApiAsync() => TaskApi.CreateAsync(moto, s => s[SettingNames.AllowedTargetHosts] = "127.0.0.1");

    private static async Task<(string KeyId, string Key)> KeyAsync(TaskApi api, string caller, bool admin = false)
    {
        var created = await api.SendAsync("POST", "/api/v1/keys", $$"""{"caller": "{{caller}}"{{(admin ? ", \"admin\": true" : "")}}}""");
        Assert.Equal(201, created.StatusCode);
        var body = TaskApi.Json(created);
        return (body.GetProperty("key_id").GetString()!, body.GetProperty("key").GetString()!);
    }

    private static async Task<string> ScheduleAsync(TaskApi api, string key, string url, string extra = "")
    {
        var response = await api.SendAsync("POST", "/api/v1/tasks/schedule", $$"""{"url": "{{url}}", "delay_seconds": 0, "data": {"n": 1}{{extra}}}""", token: key);
        Assert.True(response.StatusCode is 200 or 202, response.Body);
        return TaskApi.Json(response).GetProperty("task_id").GetString()!;
    }

    private static async Task<List<string>> ListedAsync(TaskApi api, string token, string? query = null)
    {
        var response = await api.SendAsync("GET", "/api/v1/tasks", token: token, query: query);
        Assert.Equal(200, response.StatusCode);
        return [.. TaskApi.Json(response).GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("task_id").GetString()!)];
    }

    [Fact]
    public async Task AKey_IsIssuedOnceWithItsPrefix_AndStoredOnlyAsItsHash()
    {
        await using var api = await ApiAsync();

        var created = await api.SendAsync("POST", "/api/v1/keys", """{"caller": "billing"}""");
        var body = TaskApi.Json(created);
        var key = body.GetProperty("key").GetString()!;
        var keyId = body.GetProperty("key_id").GetString()!;
        using var dynamoDb = moto.DynamoDb();
        var item = (await dynamoDb.GetItemAsync(api.Table, new Dictionary<string, AttributeValue> { ["pk"] = new("apikey#" + keyId) })).Item;
        var listed = await api.SendAsync("GET", "/api/v1/keys");

        Assert.Equal(201, created.StatusCode);
        Assert.Equal("no-store", created.Headers!["cache-control"]);
        Assert.StartsWith("dhtk_" + keyId + "_", key, StringComparison.Ordinal);
        Assert.Equal("billing", body.GetProperty("caller").GetString());
        Assert.False(body.GetProperty("admin").GetBoolean());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), item["key_hash"].S);
        Assert.DoesNotContain(item.Values, v => v.S is { } s && s.Contains(key[^43..], StringComparison.Ordinal));
        Assert.DoesNotContain(key[^43..], listed.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("key_hash", listed.Body, StringComparison.Ordinal);
        var entry = Assert.Single(TaskApi.Json(listed).GetProperty("keys").EnumerateArray());
        Assert.Equal(keyId, entry.GetProperty("key_id").GetString());
        Assert.False(entry.TryGetProperty("key", out _));
    }

    [Theory]
    [InlineData("""{"caller": ""}""")]
    [InlineData("""{"caller": "Billing"}""")]
    [InlineData("""{"caller": "bill ing"}""")]
    [InlineData("""{}""")]
    [InlineData("""{"caller": "admin"}""")]
    [InlineData("""{"caller": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""")]
    public async Task ABadCaller_Is400NamingCaller_AndIssuesNothing(string body)
    {
        await using var api = await ApiAsync();

        var refused = await api.SendAsync("POST", "/api/v1/keys", body);
        var keys = TaskApi.Json(await api.SendAsync("GET", "/api/v1/keys")).GetProperty("keys");

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Headers!["content-type"]);
        Assert.True(TaskApi.Json(refused).GetProperty("errors").TryGetProperty("caller", out _));
        Assert.Equal(0, keys.GetArrayLength());
    }

    [Fact]
    public async Task KeyManagement_IsForAdminsOnly_AndAnUnknownKeyIsRefusedAtTheEdge()
    {
        await using var api = await ApiAsync();
        var (_, billing) = await KeyAsync(api, "billing");
        var (_, ops) = await KeyAsync(api, "ops", admin: true);

        Assert.Equal(403, (await api.SendAsync("POST", "/api/v1/keys", """{"caller": "x"}""", token: billing)).StatusCode);
        Assert.Equal(403, (await api.SendAsync("GET", "/api/v1/keys", token: billing)).StatusCode);
        Assert.Equal(403, (await api.SendAsync("DELETE", "/api/v1/keys/0123456789abcdef", token: billing)).StatusCode);
        Assert.Equal(201, (await api.SendAsync("POST", "/api/v1/keys", """{"caller": "x"}""", token: ops)).StatusCode);
        Assert.Equal(403, (await api.SendAsync("GET", "/api/v1/tasks", token: "dhtk_0123456789abcdef_" + new string('a', 43))).StatusCode);
        Assert.Equal(404, (await api.SendAsync("DELETE", "/api/v1/keys/0123456789abcdef")).StatusCode);
        Assert.Equal(400, (await api.SendAsync("DELETE", "/api/v1/keys/not-a-key-id")).StatusCode);
    }

    [Fact]
    public async Task TwoKeysOfOneCaller_RotateWithoutA401_AndARevokedKeyIsRefusedAtOnce()
    {
        await using var api = await ApiAsync();
        var (oldId, oldKey) = await KeyAsync(api, "billing");
        Assert.Equal(200, (await api.SendAsync("GET", "/api/v1/tasks", token: oldKey)).StatusCode);

        var (_, newKey) = await KeyAsync(api, "billing");
        var bothWork = new[] { (await api.SendAsync("GET", "/api/v1/tasks", token: oldKey)).StatusCode, (await api.SendAsync("GET", "/api/v1/tasks", token: newKey)).StatusCode };
        var revoked = await api.SendAsync("DELETE", $"/api/v1/keys/{oldId}");
        var revokedAgain = await api.SendAsync("DELETE", $"/api/v1/keys/{oldId}");

        Assert.Equal([200, 200], bothWork);
        Assert.Equal(204, revoked.StatusCode);
        Assert.Equal(204, revokedAgain.StatusCode);
        Assert.Equal(403, (await api.SendAsync("GET", "/api/v1/tasks", token: oldKey)).StatusCode);
        Assert.Equal(200, (await api.SendAsync("GET", "/api/v1/tasks", token: newKey)).StatusCode);
        var listed = TaskApi.Json(await api.SendAsync("GET", "/api/v1/keys")).GetProperty("keys").EnumerateArray().ToList();
        var old = listed.Single(k => k.GetProperty("key_id").GetString() == oldId);
        Assert.NotEqual(JsonValueKind.Null, old.GetProperty("revoked_at").ValueKind);
        Assert.Equal(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), old.GetProperty("last_used_on").GetString());
    }

    [Fact]
    public async Task ACaller_SeesAndCancelsOnlyItsOwnTasks_AndAnAdminSeesAll()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        var (_, billing) = await KeyAsync(api, "billing");
        var (_, emails) = await KeyAsync(api, "emails");
        var billingTask = await ScheduleAsync(api, billing, target.BaseUrl + "/b");
        var emailsTask = await ScheduleAsync(api, emails, target.BaseUrl + "/e");

        var peek = await api.SendAsync("GET", $"/api/v1/tasks/{billingTask}", token: emails);
        var cancel = await api.SendAsync("DELETE", $"/api/v1/tasks/{billingTask}", token: emails);
        var own = TaskApi.Json(await api.SendAsync("GET", $"/api/v1/tasks/{billingTask}", token: billing));
        var byAdmin = TaskApi.Json(await api.SendAsync("GET", $"/api/v1/tasks/{billingTask}"));

        Assert.Equal(404, peek.StatusCode);
        Assert.Equal(404, cancel.StatusCode);
        Assert.Equal("scheduled", own.GetProperty("status").GetString());
        Assert.Equal("billing", own.GetProperty("caller").GetString());
        Assert.Equal("billing", byAdmin.GetProperty("caller").GetString());
        Assert.Equal([billingTask], await ListedAsync(api, billing));
        Assert.Equal([emailsTask], await ListedAsync(api, emails));
        Assert.Equal([billingTask], await ListedAsync(api, billing, "caller=billing"));
        Assert.Equal(403, (await api.SendAsync("GET", "/api/v1/tasks", token: billing, query: "caller=emails")).StatusCode);
        Assert.Equal([emailsTask], await ListedAsync(api, TestSettings.Token, "caller=emails"));
        Assert.Equal(new[] { billingTask, emailsTask }.Order(StringComparer.Ordinal), (await ListedAsync(api, TestSettings.Token)).Order(StringComparer.Ordinal));
        Assert.Equal(200, (await api.SendAsync("DELETE", $"/api/v1/tasks/{billingTask}", token: billing)).StatusCode);
    }

    [Fact]
    public async Task IdempotencyKeys_ArePerCaller()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        var (_, billing) = await KeyAsync(api, "billing");
        var (_, emails) = await KeyAsync(api, "emails");
        const string Key = """, "idempotency_key": "order-42" """;

        var first = await ScheduleAsync(api, billing, target.BaseUrl + "/x", Key);
        var other = await ScheduleAsync(api, emails, target.BaseUrl + "/x", Key);
        var again = await ScheduleAsync(api, billing, target.BaseUrl + "/x", Key);

        Assert.NotEqual(first, other);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task EachCallersDeliveries_VerifyWithItsOwnSecretOnly_AndARotationSignsWithBoth()
    {
        await using var target = await TargetServer.StartAsync();
        await using var api = await ApiAsync();
        var (_, billing) = await KeyAsync(api, "billing");
        var (_, emails) = await KeyAsync(api, "emails");
        var billingSecrets = Secrets(await api.SendAsync("GET", "/api/v1/signing-secret", token: billing));
        var emailsSecrets = Secrets(await api.SendAsync("GET", "/api/v1/signing-secret", token: emails));

        await api.WakeAsync(await ScheduleAsync(api, billing, target.BaseUrl + "/before"));
        var rotated = await api.SendAsync("POST", "/api/v1/signing-secret/rotate", token: billing);
        var afterRotation = Secrets(rotated);
        await api.WakeAsync(await ScheduleAsync(api, billing, target.BaseUrl + "/after"));
        var hits = target.Hits.ToList();

        Assert.Single(billingSecrets);
        Assert.NotEqual(billingSecrets, emailsSecrets);
        Assert.StartsWith("whsec_", billingSecrets[0], StringComparison.Ordinal);
        Assert.Equal(2, hits.Count);
        Assert.Equal(WebhookVerification.Valid, Verify(hits[0], billingSecrets));
        Assert.NotEqual(WebhookVerification.Valid, Verify(hits[0], emailsSecrets));
        Assert.NotEqual(WebhookVerification.Valid, Verify(hits[0], [TestSettings.SigningSecret]));
        Assert.Equal(200, rotated.StatusCode);
        Assert.Equal(2, afterRotation.Count);
        Assert.Equal(billingSecrets[0], afterRotation[1]);
        Assert.Equal(2, hits[1].Headers["webhook-signature"].Split(' ').Length);
        Assert.Equal(WebhookVerification.Valid, Verify(hits[1], [afterRotation[0]]));
        Assert.Equal(WebhookVerification.Valid, Verify(hits[1], [billingSecrets[0]]));
        Assert.Equal(409, (await api.SendAsync("POST", "/api/v1/signing-secret/rotate", token: billing)).StatusCode);
        Assert.Equal(afterRotation, Secrets(await api.SendAsync("GET", "/api/v1/signing-secret", token: billing)));
        Assert.Equal(409, (await api.SendAsync("POST", "/api/v1/signing-secret/rotate")).StatusCode);
        Assert.Equal([TestSettings.SigningSecret], Secrets(await api.SendAsync("GET", "/api/v1/signing-secret")));
    }

    private static List<string> Secrets(Functions.Hosting.Http.HttpApiResponse response)
    {
        Assert.Equal(200, response.StatusCode);
        return [.. TaskApi.Json(response).GetProperty("secrets").EnumerateArray().Select(s => s.GetString()!)];
    }

    private static WebhookVerification Verify(TargetHit hit, IEnumerable<string> secrets) =>
        new WebhookVerifier([.. secrets.Select(WebhookKey.Parse)], TimeProvider.System)
            .Verify(hit.Headers["webhook-id"], hit.Headers["webhook-timestamp"], hit.Headers["webhook-signature"], hit.Body);
}
