using System.Reflection;
using Functions.Hosting.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Hosting;

/// <summary>Which function this process serves, and the build it runs.</summary>
public sealed record ServiceInfo(string FunctionName, string Version)
{
    public static string AssemblyVersion { get; } =
        typeof(ServiceInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}

/// <summary>
/// Builds the service provider once per execution environment. Lifetimes: everything registered here is a
/// singleton that lives as long as the environment (SDK clients, settings, the function class itself);
/// per-invocation state travels in <see cref="InvocationContext"/>, never in a service.
/// Only the selected function's services are resolved at init, so only its settings are required.
/// </summary>
public static class CompositionRoot
{
    public static ServiceProvider Build(IConfiguration configuration, FunctionDescriptor function, Stream logOutput, Action<IServiceCollection>? overrides = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new ServiceInfo(function.Name, ServiceInfo.AssemblyVersion));
        var level = JsonLoggerProvider.ParseLevel(configuration[SettingNames.LogLevel]);
        services.AddLogging(logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(level);
            logging.AddProvider(new JsonLoggerProvider(function.Name, logOutput, level));
        });
        services.AddFunctionServices();
        function.Register(services);
        overrides?.Invoke(services);
        // No ValidateOnBuild: it reflects over every registration at init (cold start) although a function resolves
        // only its own; the test EveryFunctionInTheCatalog_BuildsWithItsSettings builds each function instead.
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = false, ValidateOnBuild = false });
    }
}

/// <summary>One function, built and ready: what both the Runtime API loop and the tests call.</summary>
public sealed class FunctionHost : IDisposable
{
    private FunctionHost(FunctionDescriptor function, ServiceProvider services, FunctionEntryPoint entryPoint)
    {
        Function = function;
        Services = services;
        EntryPoint = entryPoint;
    }

    public FunctionDescriptor Function { get; }

    public ServiceProvider Services { get; }

    public FunctionEntryPoint EntryPoint { get; }

    /// <summary>
    /// Picks the function named by FUNCTION_HANDLER and builds it, resolving its dependencies now so that a
    /// missing or invalid setting fails the init (with the setting's name) rather than the first request.
    /// </summary>
    public static FunctionHost Create(IConfiguration configuration, Stream? logOutput = null, Action<IServiceCollection>? overrides = null)
    {
        var name = configuration.GetRequired(SettingNames.FunctionHandler);
        var function = FunctionCatalog.Find(name) ?? throw new SettingsException(
            SettingNames.FunctionHandler,
            $"{SettingNames.FunctionHandler} names no function: '{name}'. Known: {string.Join(", ", FunctionCatalog.All.Select(f => f.Name))}.");
        var services = CompositionRoot.Build(configuration, function, logOutput ?? Console.OpenStandardOutput(), overrides);
        try
        {
            return new FunctionHost(function, services, function.Create(services));
        }
        catch
        {
            services.Dispose();
            throw;
        }
    }

    public ILogger CreateLogger(string category) => Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

    public void Dispose() => Services.Dispose();
}
