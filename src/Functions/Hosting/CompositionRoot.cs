using Functions.Hosting.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Hosting;

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
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(function);
        var services = new ServiceCollection();
        var service = new ServiceInfo(function.Name, configuration[SettingNames.ServiceName] is { Length: > 0 } name ? name : SettingNames.DefaultServiceName, ServiceInfo.AssemblyVersion);
        services.AddSingleton(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(service);
        var level = JsonLoggerProvider.ParseLevel(configuration[SettingNames.LogLevel]);
        services.AddLogging(logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(level);
            logging.AddProvider(new JsonLoggerProvider(service.FunctionName, service.ServiceName, logOutput, level));
        });
        services.AddSingleton(sp => new MetricsLog(service, logOutput, sp.GetRequiredService<TimeProvider>()));
        services.AddFunctionServices();
        function.Register(services);
        overrides?.Invoke(services);
        // No ValidateOnBuild: it reflects over every registration at init (cold start) although a function resolves
        // only its own; the test EveryFunctionInTheCatalog_BuildsWithItsSettings builds each function instead.
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = false, ValidateOnBuild = false });
    }
}
