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
    public void TheRouteTable_IsTheCatalogs()
    {
        var table = RouteTable.FromCatalog();

        Assert.Equal(
            Functions.Hosting.FunctionCatalog.All.Where(f => f.Route is not null).Select(f => f.Route!.RouteKey).Order(),
            table.Routes.Select(r => r.RouteKey).Order());
        Assert.Equal("HealthFunction", table.Match("GET", "/api/v1/health").Function?.Name);
        Assert.Equal("GET", table.Match("PUT", "/api/v1/health").Allow);
        Assert.Null(table.Match("GET", "/api/v1/other").Allow);
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
