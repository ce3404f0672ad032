using Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Local;

/// <summary>
/// `dotnet run --project src/Functions.Local -- invoke &lt;Function&gt; --event &lt;file&gt;`: what `sam local invoke` does,
/// without Docker. Runs that one function's entry point once with the event (on the runner's embedded store, or
/// the services at --aws-endpoint), prints its response on standard output and its log lines on standard error.
/// A function name the catalog does not know, or an event that cannot be read, is a one-line error and exit code 2.
/// </summary>
public static class InvokeCommand
{
    public const string Name = "invoke";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var function = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : null;
        if (function is null || FunctionCatalog.Find(function) is null)
        {
            await error.WriteLineAsync($"invoke: no function named '{function}'; one of: {string.Join(", ", FunctionCatalog.All.Select(f => f.Name))}").ConfigureAwait(false);
            return 2;
        }

        var at = Array.IndexOf(args, "--event");
        var path = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        byte[] @event;
        try
        {
            @event = await File.ReadAllBytesAsync(path ?? throw new FileNotFoundException("no --event <file> given")).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await error.WriteLineAsync($"invoke: cannot read the event '{path}': {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        // The runner's own composition (settings, embedded store or endpoint), not started: no clock fires anything.
        var runnerArgs = args.Where((_, i) => i > 1 && i != at && i != at + 1).ToArray();
        await using var app = await LocalRunner.BuildAsync(runnerArgs, Console.OpenStandardError()).ConfigureAwait(false);
        var host = app.Services.GetRequiredService<LocalFunctions>().Get(function);
        using var input = new MemoryStream(@event);
        var context = InvocationContext.Create(Guid.NewGuid().ToString(), TimeSpan.FromSeconds(host.Function.Timeout));
        await using var response = await host.EntryPoint(input, context).ConfigureAwait(false);
        using var reader = new StreamReader(response);
        await output.WriteLineAsync(await reader.ReadToEndAsync().ConfigureAwait(false)).ConfigureAwait(false);
        return 0;
    }
}
