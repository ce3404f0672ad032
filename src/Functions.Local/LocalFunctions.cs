using System.Collections.Concurrent;
using Functions.Callbacks;
using Functions.Hosting;
using Functions.Local.Embedded;
using Functions.Scheduler;
using Functions.Tasks;
using Functions.Tasks.Callers;
using Functions.Tasks.DeadLetters;
using Functions.Tasks.Recurring;
using Functions.Tasks.WakeUps;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Local;

/// <summary>
/// Every function of the catalog, each built once (its own composition root, as in its own execution
/// environment) with the runner's settings. In embedded mode the ports the functions use for AWS (task
/// store, Scheduler, queues, callback records) are the runner's embedded implementations; with
/// --aws-endpoint they are the real clients, pointed at that endpoint.
/// </summary>
public sealed class LocalFunctions(IConfiguration configuration, LocalFunctions.EmbeddedParts? embedded, Stream logOutput) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<FunctionHost>> _hosts = new(StringComparer.Ordinal);

    /// <summary>The embedded implementations, shared by every function (one database).</summary>
    public sealed record EmbeddedParts(LocalDatabase Database, LocalTaskStore Store, LocalScheduler Scheduler, LocalDeliveryQueues Queues, LocalCallbackStore Callbacks, LocalCallerStore Callers, LocalScheduleStore Schedules, LocalDeadLetterChannel DeadLetters);

    public FunctionHost Get(string name) => _hosts.GetOrAdd(name, n => new Lazy<FunctionHost>(() => Build(n))).Value;

    private FunctionHost Build(string name)
    {
        var settings = new ConfigurationBuilder()
            .AddConfiguration(configuration)
            .AddInMemoryCollection([new KeyValuePair<string, string?>(SettingNames.FunctionHandler, name)])
            .Build();
        return FunctionHost.Create(settings, logOutput, embedded is null ? null : services =>
        {
            services.AddSingleton<ITaskStore>(embedded.Store);
            services.AddSingleton<IScheduleStore>(embedded.Schedules);
            services.AddSingleton<ISchedulerClient>(embedded.Scheduler);
            services.AddSingleton<IQueuedWakeUps>(embedded.Queues);
            services.AddSingleton<IFailedDeliveryChannel>(embedded.Queues);
            services.AddSingleton<ISystemDeadLetterChannel>(embedded.DeadLetters);
            services.AddSingleton<ICallbackStore>(embedded.Callbacks);
            services.AddSingleton<IApiKeyStore>(embedded.Callers);
            services.AddSingleton<ICallerSecretStore>(embedded.Callers);
        });
    }

    public void Dispose()
    {
        foreach (var host in _hosts.Values.Where(h => h.IsValueCreated))
        {
            host.Value.Dispose();
        }
    }
}
