using System.Text;
using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Http;
using Functions.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Testing;

/// <summary>
/// Builds a function the way the process does (its own composition root), with settings given in memory, logs
/// captured, and, where a test needs them, services replaced (a fake clock, the runner's embedded ports).
/// </summary>
public sealed class TestHost : IDisposable
{
    private readonly TimeProvider _time;

    private TestHost(FunctionHost host, MemoryStream logs, TimeProvider time)
    {
        Host = host;
        Logs = logs;
        _time = time;
    }

    public FunctionHost Host { get; }

    public MemoryStream Logs { get; }

    public static TestHost Create(string function, IDictionary<string, string?>? settings = null, TimeProvider? time = null, Action<IServiceCollection>? overrides = null)
    {
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { [SettingNames.FunctionHandler] = function };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new MemoryStream();
        var host = FunctionHost.Create(configuration, logs, services =>
        {
            if (time is not null)
            {
                services.AddSingleton(time);
            }

            overrides?.Invoke(services);
        });
        return new TestHost(host, logs, time ?? TimeProvider.System);
    }

    /// <summary>A context as Lambda gives one, its deadline on the host's clock.</summary>
    public InvocationContext Context(TimeSpan? timeout = null) =>
        InvocationContext.Create("test-request", timeout ?? TimeSpan.FromSeconds(Host.Function.Timeout), _time);

    public Task<HttpApiResponse> InvokeHttpAsync(string @event) => InvokeHttpAsync(Host.EntryPoint, @event, Context());

    /// <summary>Invokes the function with a raw event; its raw result as text.</summary>
    public async Task<string> InvokeAsync(string @event)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(@event));
        await using var output = await Host.EntryPoint(input, Context());
        using var reader = new StreamReader(output);
        return await reader.ReadToEndAsync();
    }

    public static async Task<HttpApiResponse> InvokeHttpAsync(FunctionEntryPoint entryPoint, string @event, InvocationContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(entryPoint);
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(@event));
        var output = await entryPoint(input, context ?? InvocationContext.Create("test-request", TimeSpan.FromSeconds(10)));
        return JsonSerializer.Deserialize(output, FunctionsJsonContext.Default.HttpApiResponse)
            ?? throw new InvalidOperationException("The entry point wrote null.");
    }

    public IReadOnlyList<JsonElement> LogLines() => Testing.LogLines.Parse(Logs);

    /// <summary>The EMF metric lines the function wrote.</summary>
    public IReadOnlyList<JsonElement> MetricLines() => Testing.LogLines.Metrics(Logs);

    public void Dispose()
    {
        Host.Dispose();
        Logs.Dispose();
    }
}
