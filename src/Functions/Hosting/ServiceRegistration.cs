using Amazon.DynamoDBv2;
using Amazon.SimpleSystemsManagement;
using Amazon.SQS;
using Functions.Api;
using Functions.Api.Tasks;
using Functions.Callbacks;
using Functions.Forwarder;
using Functions.Hosting.Aws;
using Functions.Queues;
using Functions.Scheduler;
using Functions.Tasks;
using Functions.Tasks.Callers;
using Functions.Tasks.DeadLetters;
using Functions.Tasks.Recurring;
using Functions.Tasks.Requests;
using Functions.Tasks.Scheduling;
using Functions.Tasks.WakeUps;
using Functions.TaskStore;
using Functions.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Functions.Hosting;

/// <summary>
/// The application's services, all singletons for the execution environment, and where every setting of
/// <see cref="SettingNames"/> is read and checked. Registering is free; each service is built (and its settings
/// read) only when the selected function needs it, at init. Ports (the task store, the wake-up schedules, the
/// queues, the callback records) are registered with their AWS adapters; the local runner replaces them.
/// </summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddFunctionServices(this IServiceCollection services)
    {
        services.AddAwsClients();
        services.AddPorts();

        // The domain.
        services.TryAddSingleton(sp => TargetPolicy.FromSetting(Setting(sp, SettingNames.AllowedTargetHosts)));
        services.TryAddSingleton<ScheduleRequestValidator>();
        services.TryAddSingleton(sp => new WakeUpTimer(
            sp.GetRequiredService<IWakeUpSchedules>(),
            sp.GetRequiredService<IQueuedWakeUps>(),
            Precision(Configuration(sp))));
        services.TryAddSingleton<ITaskMetrics, Functions.Metrics.EmfTaskMetrics>();
        services.TryAddSingleton<TaskSchedulingService>();
        services.TryAddSingleton<TaskCancellationService>();
        services.TryAddSingleton<TaskRetryService>();
        services.TryAddSingleton<DeadLetterService>();
        services.TryAddSingleton<TaskQueries>();
        services.TryAddSingleton<RecurringRequestValidator>();
        services.TryAddSingleton(sp =>
        {
            // Built at init by the functions that fire schedules: the zone database loads meanwhile, not on the first run.
            _ = ScheduleFiring.WarmUpAsync();
            return new ScheduleFiring(
                sp.GetRequiredService<IScheduleStore>(),
                sp.GetRequiredService<ITaskStore>(),
                sp.GetRequiredService<WakeUpTimer>(),
                sp.GetRequiredService<ITaskMetrics>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ScheduleFiring>>());
        });
        services.TryAddSingleton<RecurringScheduleService>();
        services.TryAddSingleton(sp => new ApiKeyService(
            sp.GetRequiredService<IApiKeyStore>(),
            CallerCache(sp),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ApiKeyService>>()));
        services.TryAddSingleton(sp => new SigningSecrets(
            sp.GetRequiredService<IReadOnlyList<WebhookKey>>(),
            sp.GetRequiredService<ICallerSecretStore>(),
            CallerCache(sp),
            TimeSpan.FromHours(Configuration(sp).GetWholeNumber(SettingNames.SigningSecretGraceHours, (int)SigningSecrets.DefaultGrace.TotalHours, 0, 24 * 30, "hours")),
            sp.GetRequiredService<TimeProvider>()));

        // The API.
        services.TryAddSingleton(sp => new ApiKeyAuthorizer(
            SecretSetting.Read(Configuration(sp), SettingNames.ApiToken, SettingNames.ApiTokenParameter, sp.GetRequiredService<IAmazonSimpleSystemsManagement>),
            sp.GetRequiredService<ApiKeyService>(),
            sp.GetRequiredService<ILogger<ApiKeyAuthorizer>>()));
        services.TryAddSingleton(_ => Functions.Hosting.Http.RouteTable.FromCatalog());
        services.TryAddSingleton(sp => new CallbackUrl(Setting(sp, SettingNames.CallbackBaseUrl)));
        services.TryAddSingleton<Functions.WebConsole.StaticContent>();

        // Deliveries and the receiving side.
        services.TryAddSingleton<IReadOnlyList<WebhookKey>>(sp => SigningKeys(sp));
        services.TryAddSingleton(sp => new WebhookVerifier(sp.GetRequiredService<IReadOnlyList<WebhookKey>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new RetryBackoff(
            TimeSpan.FromSeconds(Configuration(sp).GetWholeNumber(SettingNames.RetryBaseSeconds, (int)RetryBackoff.DefaultBase.TotalSeconds, 1, 86400, "seconds")),
            TimeSpan.FromSeconds(Configuration(sp).GetWholeNumber(SettingNames.RetryCapSeconds, (int)RetryBackoff.DefaultCap.TotalSeconds, 1, 86400, "seconds"))));
        services.TryAddSingleton(sp => new TargetCall(
            TargetHttpClient.Create(sp.GetRequiredService<TargetPolicy>()),
            sp.GetRequiredService<SigningSecrets>(),
            sp.GetRequiredService<ServiceInfo>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TargetCall>>()));
        services.TryAddSingleton<FailedDeliveries>();
        services.TryAddSingleton<ForwardingService>();
        services.TryAddSingleton<LostWakeUpSweeper>();
        services.TryAddSingleton<CallbackReceiver>();
        return services;
    }

    private static void AddAwsClients(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new AwsSettings(Configuration(sp)));
        services.TryAddSingleton<IAmazonDynamoDB>(sp =>
        {
            var aws = sp.GetRequiredService<AwsSettings>();
            return new AmazonDynamoDBClient(aws.Credentials, aws.Configure(new AmazonDynamoDBConfig(), "DYNAMODB"));
        });
        services.TryAddSingleton<IAmazonSimpleSystemsManagement>(sp =>
        {
            var aws = sp.GetRequiredService<AwsSettings>();
            return new AmazonSimpleSystemsManagementClient(aws.Credentials, aws.Configure(new AmazonSimpleSystemsManagementConfig(), "SSM"));
        });
        services.TryAddSingleton<IAmazonSQS>(sp =>
        {
            var aws = sp.GetRequiredService<AwsSettings>();
            return new AmazonSQSClient(aws.Credentials, aws.Configure(new AmazonSQSConfig(), "SQS"));
        });
        services.TryAddSingleton<ISchedulerClient>(sp => SchedulerClient.Create(sp.GetRequiredService<AwsSettings>()));
    }

    private static void AddPorts(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new TaskStoreSettings(
            Configuration(sp).GetRequired(SettingNames.TableName),
            TimeSpan.FromDays(Configuration(sp).GetWholeNumber(SettingNames.RetentionDays, 30, 1, 3650, "days"))));
        services.TryAddSingleton<ITaskStore>(sp => new DynamoTaskStore(
            sp.GetRequiredService<IAmazonDynamoDB>(),
            sp.GetRequiredService<TaskStoreSettings>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IScheduleStore>(sp => new DynamoScheduleStore(sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetRequiredService<TaskStoreSettings>()));
        services.TryAddSingleton(sp => new DynamoCallerStore(sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetRequiredService<TaskStoreSettings>()));
        services.TryAddSingleton<IApiKeyStore>(sp => sp.GetRequiredService<DynamoCallerStore>());
        services.TryAddSingleton<ICallerSecretStore>(sp => sp.GetRequiredService<DynamoCallerStore>());
        services.TryAddSingleton<ICallbackStore>(sp => new DynamoCallbackStore(
            sp.GetRequiredService<IAmazonDynamoDB>(),
            sp.GetRequiredService<TaskStoreSettings>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var configuration = Configuration(sp);
            return new SchedulerSettings(
                configuration.GetRequired(SettingNames.ScheduleGroup),
                configuration.GetRequired(SettingNames.SchedulerRoleArn),
                configuration.GetRequired(SettingNames.ForwarderArn),
                configuration.GetRequired(SettingNames.DeadLetterQueueArn));
        });
        services.TryAddSingleton<IWakeUpSchedules>(sp => new SchedulerWakeUps(sp.GetRequiredService<ISchedulerClient>(), sp.GetRequiredService<SchedulerSettings>()));
        services.TryAddSingleton<IQueuedWakeUps>(sp => new SqsQueuedWakeUps(sp.GetRequiredService<IAmazonSQS>(), DeliveryQueueUrl(sp)));
        services.TryAddSingleton<ISystemDeadLetterChannel>(sp => new SqsSystemDeadLetterChannel(sp.GetRequiredService<IAmazonSQS>(), Configuration(sp).GetRequired(SettingNames.DeadLetterQueueUrl)));
        services.TryAddSingleton<IFailedDeliveryChannel>(sp => new SqsFailedDeliveryChannel(sp.GetRequiredService<IAmazonSQS>(), Configuration(sp).GetRequired(SettingNames.FailedDeliveriesQueueUrl)));
    }

    private static IConfiguration Configuration(IServiceProvider services) => services.GetRequiredService<IConfiguration>();

    private static TimeSpan CallerCache(IServiceProvider services) =>
        TimeSpan.FromSeconds(Configuration(services).GetWholeNumber(SettingNames.CallerCacheSeconds, 60, 0, 3600, "seconds"));

    private static string? Setting(IServiceProvider services, string name) => Configuration(services)[name];

    private static DeliveryPrecision Precision(IConfiguration configuration) => configuration[SettingNames.DeliveryPrecision]?.ToUpperInvariant() switch
    {
        null or "" or "SECOND" => DeliveryPrecision.Second,
        "MINUTE" => DeliveryPrecision.Minute,
        var other => throw new SettingsException(SettingNames.DeliveryPrecision, $"{SettingNames.DeliveryPrecision} is 'second' or 'minute', not '{other}'."),
    };

    // At minute precision nothing rides the queue, so a function may do without its URL.
    private static string DeliveryQueueUrl(IServiceProvider services) =>
        Precision(Configuration(services)) == DeliveryPrecision.Second
            ? Configuration(services).GetRequired(SettingNames.DeliveryQueueUrl)
            : Setting(services, SettingNames.DeliveryQueueUrl) ?? string.Empty;

    private static IReadOnlyList<WebhookKey> SigningKeys(IServiceProvider services)
    {
        var secret = SecretSetting.Read(Configuration(services), SettingNames.SigningSecret, SettingNames.SigningSecretParameter, services.GetRequiredService<IAmazonSimpleSystemsManagement>);
        try
        {
            return WebhookKey.ParseList(secret);
        }
        catch (FormatException ex)
        {
            // The message says what form is expected; it never repeats the secret.
            throw new SettingsException(SettingNames.SigningSecret, $"The webhook signing secret is invalid: {ex.Message}");
        }
    }
}
