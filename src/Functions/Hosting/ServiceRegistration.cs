using Amazon.DynamoDBv2;
using Amazon.SimpleSystemsManagement;
using Functions.Api;
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
        services.TryAddSingleton(sp =>
        {
            var targets = sp.GetRequiredService<TargetPolicy>();
            return new ScheduleRequestValidator(targets, TaskSettings.DefaultCallbackUrl(sp.GetRequiredService<IConfiguration>(), targets));
        });
        services.TryAddSingleton<TaskSchedulingService>();
        services.TryAddSingleton(sp => ApiAuthenticator.FromConfiguration(
            sp.GetRequiredService<IConfiguration>(),
            sp.GetRequiredService<IAmazonSimpleSystemsManagement>));
        return services;
    }
}
