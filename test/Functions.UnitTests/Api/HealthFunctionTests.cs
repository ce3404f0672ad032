using System.Text.Json;
using Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Functions.Testing;

namespace Functions.UnitTests.Api;

public sealed class HealthFunctionTests
{
    [Fact]
    public async Task Get_WithTheSamplePayload20Event_AnswersOkAndTheVersionOfTheBuildItRuns()
    {
        using var host = TestHost.Create("HealthFunction", overrides: services => services.AddSingleton(new ServiceInfo("HealthFunction", "tasks", "9.8.7-test+abc")));

        var response = await host.InvokeHttpAsync(Repository.Event("health.json"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.Headers!["content-type"]);
        using var body = JsonDocument.Parse(response.Body!);
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("9.8.7-test+abc", body.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Get_WithAPostToItsPath_Answers405WithAllow()
    {
        using var host = TestHost.Create("HealthFunction");

        var response = await host.InvokeHttpAsync(HttpEvents.Create("POST", "/api/v1/health"));

        Assert.Equal(405, response.StatusCode);
        Assert.Equal("GET", response.Headers!["allow"]);
    }
}
