using System.Text.Json;
using Functions.Hosting;
using Functions.Testing;

namespace Functions.UnitTests.Api;

public sealed class HealthFunctionTests
{
    [Fact]
    public async Task Get_WithTheSamplePayload20Event_AnswersOkAndTheBuildVersion()
    {
        using var host = TestHost.Create("HealthFunction");

        var response = await host.InvokeHttpAsync(Repository.Event("health.json"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.Headers!["content-type"]);
        using var body = JsonDocument.Parse(response.Body!);
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(ServiceInfo.AssemblyVersion, body.RootElement.GetProperty("version").GetString());
        Assert.StartsWith("0.1.0", ServiceInfo.AssemblyVersion, StringComparison.Ordinal);
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
