using Amazon.DynamoDBv2;
using Amazon.SimpleSystemsManagement;
using Amazon.SQS;
using Functions.Api;
using Functions.Forwarder;
using Functions.Webhooks;
using Functions.Hosting.Aws;
using Functions.Scheduler;
using Functions.Tasks;
using Functions.TaskStore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Functions.Hosting;

/// <summary>
/// The application's services, all singletons for the execution environment. Registering is free; each is
/// built (and its settings checked) only when the selected function's class needs it, at init.
/// </summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddFunctionServices(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new AwsSettings(sp.GetRequiredService<IConfiguration>()));
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
        services.TryAddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            return new TaskStoreSettings(configuration.GetRequired(TaskSettingNames.TableName), TaskSettings.Retention(configuration));
        });
        services.TryAddSingleton<ITaskStore>(sp => new DynamoTaskStore(
            sp.GetRequiredService<IAmazonDynamoDB>(),
            sp.GetRequiredService<TaskStoreSettings>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => SchedulerSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton<ISchedulerClient>(sp => SchedulerClient.Create(sp.GetRequiredService<AwsSettings>()));
        services.TryAddSingleton(sp => TargetPolicy.FromSetting(sp.GetRequiredService<IConfiguration>()[TargetPolicy.AllowedHostsSetting]));
        services.TryAddSingleton(sp => new ScheduleRequestValidator(sp.GetRequiredService<TargetPolicy>()));
        services.TryAddSingleton<IAmazonSQS>(sp =>
        {
            var aws = sp.GetRequiredService<AwsSettings>();
            return new AmazonSQSClient(aws.Credentials, aws.Configure(new AmazonSQSConfig(), "SQS"));
        });
        services.TryAddSingleton(sp => DeliveryTimerSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton(sp => new DeliveryTimer(
            sp.GetRequiredService<ISchedulerClient>(),
            sp.GetRequiredService<IDeliveryQueues>(),
            sp.GetRequiredService<SchedulerSettings>(),
            sp.GetRequiredService<DeliveryTimerSettings>()));
        services.TryAddSingleton<TaskSchedulingService>();
        services.TryAddSingleton<IDeliveryQueues>(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var timer = sp.GetRequiredService<DeliveryTimerSettings>();
            return new SqsDeliveryQueues(sp.GetRequiredService<IAmazonSQS>(), timer.QueueUrl ?? string.Empty, configuration[ForwarderSettings.DeadLetterQueueUrlSetting]);
        });
        services.TryAddSingleton(sp => RetryBackoff.From(sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton<IReadOnlyList<WebhookKey>>(sp =>
        {
            var secret = SecretSetting.Read(sp.GetRequiredService<IConfiguration>(), TaskSettingNames.SigningSecret, TaskSettingNames.SigningSecretParameter, sp.GetRequiredService<IAmazonSimpleSystemsManagement>);
            try
            {
                return WebhookKey.ParseList(secret);
            }
            catch (FormatException ex)
            {
                // The message says what form is expected; it never repeats the secret.
                throw new SettingsException(TaskSettingNames.SigningSecret, $"The webhook signing secret is invalid: {ex.Message}");
            }
        });
        services.TryAddSingleton(sp => new WebhookSigner(sp.GetRequiredService<IReadOnlyList<WebhookKey>>()));
        services.TryAddSingleton(sp => new WebhookVerifier(sp.GetRequiredService<IReadOnlyList<WebhookKey>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<Callbacks.ICallbackStore>(sp => new Callbacks.DynamoCallbackStore(
            sp.GetRequiredService<IAmazonDynamoDB>(),
            sp.GetRequiredService<TaskStoreSettings>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<Callbacks.CallbackReceiver>();
        services.TryAddSingleton(sp => new ForwardingService(
            sp.GetRequiredService<ITaskStore>(),
            sp.GetRequiredService<DeliveryTimer>(),
            sp.GetRequiredService<RetryBackoff>(),
            sp.GetRequiredService<WebhookSigner>(),
            TargetHttpClient.Create(sp.GetRequiredService<TargetPolicy>()),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ForwardingService>>()));
        services.TryAddSingleton(sp => ApiAuthenticator.FromConfiguration(
            sp.GetRequiredService<IConfiguration>(),
            sp.GetRequiredService<IAmazonSimpleSystemsManagement>));
        return services;
    }
}
