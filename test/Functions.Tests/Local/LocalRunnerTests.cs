using System.Net;
using System.Text.Json;
using Functions.Hosting.Http;
using Functions.Local;

namespace Functions.Tests.Local;

/// <summary>The local runner over real HTTP on 127.0.0.1, routing with the catalog's route table.</summary>
public sealed class LocalRunnerTests : IAsyncLifetime, IDisposable
{
    private Microsoft.AspNetCore.Builder.WebApplication? _app;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _app = LocalRunner.Build(["--urls", "http://127.0.0.1:0", "--data-dir", Path.Combine(Path.GetTempPath(), "runner-tests-" + Guid.NewGuid().ToString("N"))]);
        await _app.StartAsync();
        _http.BaseAddress = new Uri(_app.Urls.First());
    }

    [Fact]
    public async Task GetHealth_IsServedByTheHealthFunctionsEntryPoint()
    {
        using var response = await _http.GetAsync("/api/v1/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnUnknownPath_Is404ProblemJson()
    {
        using var response = await _http.GetAsync("/api/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task AWrongMethod_Is405WithAllow()
    {
        using var response = await _http.DeleteAsync("/api/v1/health");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET", string.Join(",", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task AKeyedRoute_IsRefusedAtTheEdge_AsApiGatewayAnswers()
    {
        using var missing = await _http.GetAsync("/api/v1/tasks");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tasks");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer not-a-key");
        using var refused = await _http.SendAsync(request);
        using var admitted = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tasks");
        admitted.Headers.TryAddWithoutValidation("Authorization", "Bearer " + LocalRunner.DefaultToken);
        using var allowed = await _http.SendAsync(admitted);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("application/json", missing.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"message":"Unauthorized"}""", await missing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("""{"message":"Forbidden"}""", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task AnUnknownPath_IsTheDefaultRoutes404_WithoutAKey()
    {
        using var response = await _http.GetAsync("/api/v1/tasks/a/b");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    private async Task<string> RawAsync(string request)
    {
        var uri = new Uri(_app!.Urls.First());
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
        return await reader.ReadToEndAsync();
    }

    [Theory]
    [InlineData("GET /api/v1/%00 HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET /api/v1/tasks/%00%01 HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("GET api HTTP/1.1\r\nHost: x\r\n\r\n")]
    public async Task ARequestKestrelRefusesItself_IsAnsweredWithAJsonBody_AsApiGatewayDoes(string request)
    {
        var response = await RawAsync(request);

        Assert.Matches(@"^HTTP/1\.1 4\d\d ", response);
        Assert.Contains("\r\nContent-Type: application/json\r\n", response, StringComparison.Ordinal);
        var body = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        using var json = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task ABodyOverTenMegabytes_Is413_RequestEntityTooLarge_AsApiGatewayAnswersIt()
    {
        var response = await RawAsync($"POST /api/v1/tasks/schedule HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {HttpApiGateway.MaxBodyBytes + 1}\r\n\r\n{{\"data\": ");

        Assert.StartsWith("HTTP/1.1 413 ", response, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/json\r\n", response, StringComparison.Ordinal);
        Assert.Contains("""{"message":"Request Entity Too Large"}""", response, StringComparison.Ordinal);
    }

    [Fact]
    public void KestrelsOwnErrorAnswer_IsGivenABody_AndAnyOtherResponseIsLeftAlone()
    {
        var kestrel = "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\nServer: Kestrel\r\n\r\n"u8;
        var application = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nTransfer-Encoding: chunked\r\n\r\n"u8;

        var rewritten = System.Text.Encoding.ASCII.GetString(KestrelErrorBodies.WithJsonBody(kestrel)!);

        var body = """{"message":"Request Header Fields Too Large"}""";
        Assert.Equal($"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: {body.Length}\r\nContent-Type: application/json\r\nConnection: close\r\nServer: Kestrel\r\n\r\n{body}", rewritten);
        Assert.Null(KestrelErrorBodies.WithJsonBody(application));
        Assert.Null(KestrelErrorBodies.WithJsonBody("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8));
    }

    [Fact]
    public void TheRouteTable_IsTheCatalogs()
    {
        var table = RouteTable.FromCatalog();

        Assert.Equal(
            Functions.Hosting.FunctionCatalog.All.Where(f => f.Route is not null).Select(f => f.Route!.RouteKey).Order(),
            table.Routes.Select(r => r.RouteKey).Order());
        Assert.Equal("HealthFunction", table.Match("GET", "/api/v1/health").Function?.Name);
        Assert.Equal("GET", table.Match("PUT", "/api/v1/health").Allow);
        Assert.Null(table.Match("GET", "/api/v1/other").Allow);
        Assert.Equal("NotFoundFunction", table.Match("GET", "/api/v1/other").Function?.Name);
        Assert.Equal("NotFoundFunction", table.Match("PUT", "/api/v1/health").Function?.Name);
    }

    [Theory]
    [InlineData("rate(5 minutes)", 300)]
    [InlineData("rate(1 hour)", 3600)]
    [InlineData("rate(2 days)", 172800)]
    public void RecurringSchedules_ArePlayedAtTheirRate(string expression, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Functions.Local.Firing.RecurringClock.Rate(expression));

    [Fact]
    public void TheSweeper_IsTheCatalogsRecurringFunction() =>
        Assert.Equal("rate(5 minutes)", Assert.Single(Functions.Hosting.FunctionCatalog.All, f => f.RecurringSchedule is not null).RecurringSchedule);

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public void Dispose() => _http.Dispose();
}
