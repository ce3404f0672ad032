using Functions.Hosting;
using Functions.Hosting.Runtime;
using Microsoft.Extensions.Configuration;

namespace Functions;

public static class Program
{
    /// <summary>
    /// The process Lambda starts (managed runtime: `dotnet exec Functions.dll`; provided.al2023: `bootstrap`).
    /// Init: read the settings, build the function named by FUNCTION_HANDLER; a failure is posted to
    /// /runtime/init/error and the process exits. Then the invoke loop runs until the environment ends.
    /// </summary>
    public static async Task<int> Main()
    {
        var runtimeApi = Environment.GetEnvironmentVariable(SettingNames.RuntimeApi);
        if (string.IsNullOrEmpty(runtimeApi))
        {
            await Console.Error.WriteLineAsync(
                $"{SettingNames.RuntimeApi} is not set: this program runs inside AWS Lambda. " +
                "To run the functions on this machine, use the local runner (see README).").ConfigureAwait(false);
            return 2;
        }

        // The first invocation's path compiles on another thread while init runs (ReadyToRun leaves some to the JIT);
        // not awaited: the loop starts when init is done, and whatever the warm-up has not reached it compiles itself.
        _ = StartupWarmUp.Start();
        // The function is built on a pool thread while this one sets up the Runtime API client.
        var building = Task.Run(() => FunctionHost.Create(new ConfigurationBuilder().AddEnvironmentVariables().Build()));
        using var runtime = new LambdaRuntimeClient(runtimeApi);
        FunctionHost host;
        try
        {
            host = await building.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var errorType = ex is SettingsException ? "Runtime.ConfigInvalid" : "Runtime.InitError";
            await Console.Out.WriteLineAsync(InitFailureLine(ex, errorType)).ConfigureAwait(false);
            try
            {
                await runtime.PostInitErrorAsync(errorType, ex, CancellationToken.None).ConfigureAwait(false);
            }
            catch (HttpRequestException post)
            {
                await Console.Error.WriteLineAsync($"Could not post the init error: {post.Message}").ConfigureAwait(false);
            }

            return 1;
        }

        using (host)
        {
            var loop = new LambdaRuntimeLoop(runtime, host.EntryPoint, host.CreateLogger("Functions.Runtime"), TimeProvider.System);
            try
            {
                await loop.RunAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                // The Runtime API went away: the environment is being torn down (or, in tests, the double stopped).
                await Console.Error.WriteLineAsync($"Runtime API unreachable: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }

        return 0;
    }

    // Init failed before logging existed: one JSON line by hand, without the exception's stack.
    private static string InitFailureLine(Exception ex, string errorType) =>
        $$"""{"level":"FATAL","message":"Init failed","errorType":{{System.Text.Json.JsonSerializer.Serialize(errorType, Serialization.FunctionsJsonContext.Default.String)}},"errorMessage":{{System.Text.Json.JsonSerializer.Serialize(ex.Message, Serialization.FunctionsJsonContext.Default.String)}}}""";
}
