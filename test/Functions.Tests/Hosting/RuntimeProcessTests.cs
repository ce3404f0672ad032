using Functions.Testing;
using System.Text.Json;
using Functions.Hosting;
using Functions.Tests.Support;

namespace Functions.Tests.Hosting;

/// <summary>
/// End to end through the process boundary: the built function, started as Lambda starts it, against the
/// Runtime API test double. Runs against the Native AOT bootstrap too when FUNCTIONS_NATIVE_BOOTSTRAP is set.
/// </summary>
public sealed class RuntimeProcessTests
{
    public static TheoryData<string> Kinds => FunctionProcess.Kinds();

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task HealthFunction_ServesInvocationsThroughTheRuntimeApi(string kind)
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        using var process = FunctionProcess.Start(kind, runtime.Address, FunctionProcess.TemplateEnvironment("HealthFunction"));

        var first = await runtime.InvokeAsync(Repository.Event("health.json"));
        var second = await runtime.InvokeAsync(Repository.Event("health.json"));

        foreach (var outcome in new[] { first, second })
        {
            Assert.False(outcome.IsError, outcome.Body);
            using var response = JsonDocument.Parse(outcome.Body);
            Assert.Equal(200, response.RootElement.GetProperty("statusCode").GetInt32());
            using var body = JsonDocument.Parse(response.RootElement.GetProperty("body").GetString()!);
            Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AnExceptionInAnInvocation_IsPostedAsItsErrorAndTheNextInvocationIsServed(string kind)
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        using var process = FunctionProcess.Start(kind, runtime.Address, FunctionProcess.TemplateEnvironment("HealthFunction"));

        // No Lambda-Runtime-Deadline-Ms: the invocation cannot be given a context, and fails.
        var failed = await runtime.InvokeAsync(Repository.Event("health.json"), withDeadline: false);
        var served = await runtime.InvokeAsync(Repository.Event("health.json"));

        Assert.True(failed.IsError, failed.Body);
        Assert.Equal("Unhandled", failed.ErrorTypeHeader);
        using var error = JsonDocument.Parse(failed.Body);
        Assert.Equal("System.InvalidOperationException", error.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("Lambda-Runtime-Deadline-Ms", error.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, error.RootElement.GetProperty("stackTrace").ValueKind);
        Assert.False(served.IsError, served.Body);
        // The log line was written before the error was posted; the pipe reader may still be catching up.
        await Poll.UntilAsync(() => process.Stdout.Contains("\"level\":\"ERROR\"", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the error's log line");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AMissingSetting_IsPostedAsAnInitErrorNamingItAndTheProcessExits(string kind)
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        var environment = FunctionProcess.TemplateEnvironment("HealthFunction");
        environment.Remove(SettingNames.FunctionHandler);
        using var process = FunctionProcess.Start(kind, runtime.Address, environment);

        var initError = await runtime.InitError.WaitAsync(TimeSpan.FromSeconds(60));
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("Runtime.ConfigInvalid", initError.ErrorTypeHeader);
        using var error = JsonDocument.Parse(initError.Body);
        Assert.Contains(SettingNames.FunctionHandler, error.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, exitCode);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AnUnknownFunctionName_IsAnInitErrorListingTheKnownOnes(string kind)
    {
        await using var runtime = await RuntimeApiDouble.StartAsync();
        using var process = FunctionProcess.Start(kind, runtime.Address, new Dictionary<string, string> { [SettingNames.FunctionHandler] = "NoSuchFunction" });

        var initError = await runtime.InitError.WaitAsync(TimeSpan.FromSeconds(60));

        using var error = JsonDocument.Parse(initError.Body);
        var message = error.RootElement.GetProperty("errorMessage").GetString();
        Assert.Contains("NoSuchFunction", message, StringComparison.Ordinal);
        Assert.Contains("HealthFunction", message, StringComparison.Ordinal);
        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
