using Functions.Hosting.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Hosting;

/// <summary>One function, built and ready: what both the Runtime API loop and the local runner call.</summary>
public sealed class FunctionHost : IDisposable
{
    private readonly MetricsLog _metrics;
    private int _invocations;

    private FunctionHost(FunctionDescriptor function, ServiceProvider services, FunctionEntryPoint entryPoint)
    {
        Function = function;
        Services = services;
        _metrics = services.GetRequiredService<MetricsLog>();
        var inner = entryPoint;
        EntryPoint = (@event, context) => InvokeAsync(inner, @event, context);
    }

    public FunctionDescriptor Function { get; }

    public ServiceProvider Services { get; }

    /// <summary>The function's entry point, with every log line it writes carrying the invocation's keys.</summary>
    public FunctionEntryPoint EntryPoint { get; }

    /// <summary>
    /// Picks the function named by FUNCTION_HANDLER and builds it, resolving its dependencies now so that a
    /// missing or invalid setting fails the init (with the setting's name) rather than the first request.
    /// </summary>
    public static FunctionHost Create(IConfiguration configuration, Stream? logOutput = null, Action<IServiceCollection>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var name = configuration.GetRequired(SettingNames.FunctionHandler);
        var function = FunctionCatalog.Find(name) ?? throw new SettingsException(
            SettingNames.FunctionHandler,
            $"{SettingNames.FunctionHandler} names no function: '{name}'. Known: {string.Join(", ", FunctionCatalog.All.Select(f => f.Name))}.");
        var services = CompositionRoot.Build(configuration, function, logOutput ?? Console.OpenStandardOutput(), overrides);
        try
        {
            return new FunctionHost(function, services, function.Create(services, function));
        }
        catch
        {
            services.Dispose();
            throw;
        }
    }

    public ILogger CreateLogger(string category) => Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

    public void Dispose() => Services.Dispose();

    // In Lambda the runtime loop has begun the invocation's scope already (it knows the cold start); called
    // directly (the local runner, where each function is its own environment), the host begins it.
    // The first invocation of the environment writes the ColdStarts metric.
    private async Task<Stream> InvokeAsync(FunctionEntryPoint inner, Stream @event, InvocationContext context)
    {
        using var scope = InvocationScope.Current is null
            ? InvocationScope.Begin(context.RequestId, context.TraceId, coldStart: Interlocked.Increment(ref _invocations) == 1)
            : null;
        if (InvocationScope.Current!.ColdStart)
        {
            _metrics.ColdStart();
        }

        return await inner(@event, context).ConfigureAwait(false);
    }
}
