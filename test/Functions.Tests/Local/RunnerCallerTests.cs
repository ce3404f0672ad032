using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Functions.Local;
using Functions.Tests.Support;
using Functions.Webhooks;

namespace Functions.Tests.Local;

/// <summary>
/// Callers through the local runner in its embedded mode, over real HTTP: keys are created over the API with the
/// bootstrap key and kept (hashed) in the embedded store, a revoked key is refused at once, two callers neither see
/// each other's tasks nor verify each other's deliveries (which the runner fires itself).
/// </summary>
public sealed class RunnerCallerTests : IAsyncLifetime, IDisposable
{
    private Microsoft.AspNetCore.Builder.WebApplication? _app;
    private readonly HttpClient _http = new();
    private readonly string _data = Path.Combine(Path.GetTempPath(), "runner-callers-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        _app = LocalRunner.Build(["--urls", "http://127.0.0.1:0", "--data-dir", _data]);
        await _app.StartAsync();
        _http.BaseAddress = new Uri(_app.Urls.First());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string token, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<(string Id, string Key)> KeyAsync(string caller)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/keys", LocalRunner.DefaultToken, $$"""{"caller": "{{caller}}"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        return (body.GetProperty("key_id").GetString()!, body.GetProperty("key").GetString()!);
    }

    [Fact]
    public async Task TwoCallers_AreKeptApart_AndARevokedKeyIsRefusedAtOnce()
    {
        await using var target = await TargetServer.StartAsync();
        var (billingId, billing) = await KeyAsync("billing");
        var (_, billingNext) = await KeyAsync("billing");
        var (_, emails) = await KeyAsync("emails");
        var (_, scheduled) = await SendAsync(HttpMethod.Post, "/api/v1/tasks/schedule", billing, $$"""{"url": "{{target.BaseUrl}}/billing", "delay_seconds": 0, "data": {"n": 1} }""");
        var taskId = scheduled.GetProperty("task_id").GetString()!;
        await Poll.UntilAsync(() => !target.Hits.IsEmpty, TimeSpan.FromSeconds(20), "the runner delivers billing's task");
        var hit = Assert.Single(target.Hits);
        var (_, billingSecret) = await SendAsync(HttpMethod.Get, "/api/v1/signing-secret", billing);
        var (_, emailsSecret) = await SendAsync(HttpMethod.Get, "/api/v1/signing-secret", emails);

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, $"/api/v1/tasks/{taskId}", emails)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, $"/api/v1/tasks/{taskId}", emails)).Status);
        Assert.Equal(0, (await SendAsync(HttpMethod.Get, "/api/v1/tasks", emails)).Body.GetProperty("tasks").GetArrayLength());
        Assert.Equal("billing", (await SendAsync(HttpMethod.Get, $"/api/v1/tasks/{taskId}", billing)).Body.GetProperty("caller").GetString());
        Assert.Equal(WebhookVerification.Valid, Verify(hit, billingSecret));
        Assert.NotEqual(WebhookVerification.Valid, Verify(hit, emailsSecret));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/api/v1/keys", billing)).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/api/v1/keys/{billingId}", LocalRunner.DefaultToken)).Status);
        // Revoked: the runner's authorizer has no cache, so the key is refused at once, as API Gateway refuses it (403).
        var revoked = await SendAsync(HttpMethod.Get, "/api/v1/tasks", billing);
        Assert.Equal(HttpStatusCode.Forbidden, revoked.Status);
        Assert.Equal("Forbidden", revoked.Body.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/api/v1/tasks/{taskId}", billingNext)).Status);
    }

    [Fact]
    public async Task KeysAreKeptHashed_InTheEmbeddedStore()
    {
        var (id, key) = await KeyAsync("billing");
        await _app!.StopAsync();

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data, "runner.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM api_keys WHERE key_id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var values = Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? string.Empty : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!).ToList();
        Assert.DoesNotContain(values, v => v.Contains(key[^43..], StringComparison.Ordinal));
        Assert.Contains(Functions.Tasks.Callers.ApiKeyText.Hash(key), values);
    }

    private static WebhookVerification Verify(TargetHit hit, JsonElement secrets) =>
        new WebhookVerifier([.. secrets.GetProperty("secrets").EnumerateArray().Select(s => WebhookKey.Parse(s.GetString()!))], TimeProvider.System)
            .Verify(hit.Headers["webhook-id"], hit.Headers["webhook-timestamp"], hit.Headers["webhook-signature"], hit.Body);

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public void Dispose() => _http.Dispose();
}
