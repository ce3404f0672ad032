using Functions.Testing;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Functions.Tests.Support;

/// <summary>
/// The built function started as Lambda starts it: `dotnet exec Functions.dll` (managed dotnet10 runtime,
/// executable mode) or the Native AOT `bootstrap`, with the environment the template gives the function.
/// </summary>
public sealed class FunctionProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private FunctionProcess(Process process) => _process = process;

    /// <summary>"managed" always; "native" when FUNCTIONS_NATIVE_BOOTSTRAP names a published AOT binary (CI sets it).</summary>
    public static TheoryData<string> Kinds()
    {
        var kinds = new TheoryData<string> { "managed" };
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FUNCTIONS_NATIVE_BOOTSTRAP")))
        {
            kinds.Add("native");
        }

        return kinds;
    }

    /// <summary>The function's environment variables as serverless.template declares them (plain strings only).</summary>
    public static Dictionary<string, string> TemplateEnvironment(string function)
    {
        using var template = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "serverless.template")));
        var variables = template.RootElement.GetProperty("Resources").GetProperty(function)
            .GetProperty("Properties").GetProperty("Environment").GetProperty("Variables");
        return variables.EnumerateObject()
            .Where(v => v.Value.ValueKind == JsonValueKind.String)
            .ToDictionary(v => v.Name, v => v.Value.GetString()!);
    }

    public static FunctionProcess Start(string kind, string runtimeApi, IDictionary<string, string> environment)
    {
        var start = kind == "native"
            ? new ProcessStartInfo(Environment.GetEnvironmentVariable("FUNCTIONS_NATIVE_BOOTSTRAP")!)
            : new ProcessStartInfo("dotnet", ["exec", Repository.FunctionsDll]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;

        // Only what Lambda would set, plus what the dotnet host needs to be found.
        start.Environment.Clear();
        foreach (var inherited in new[] { "PATH", "HOME", "DOTNET_ROOT" })
        {
            if (Environment.GetEnvironmentVariable(inherited) is { } value)
            {
                start.Environment[inherited] = value;
            }
        }

        start.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        start.Environment["AWS_REGION"] = "ap-northeast-2";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var result = new FunctionProcess(process);
        process.OutputDataReceived += (_, e) => { lock (result._stdout) { result._stdout.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (result._stderr) { result._stderr.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    public string Stdout { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
