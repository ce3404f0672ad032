using Amazon.DynamoDBv2;
using Amazon.SQS;
using Functions.Hosting;
using Functions.Hosting.Aws;
using Functions.Hosting.Http;
using Functions.Local.Embedded;
using Functions.Local.Firing;
using Functions.Scheduler;
using Functions.TaskStore;
using Functions.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Functions.Local;

/// <summary>The runner's settings: environment variables, each with a local default that is printed at start.</summary>
public sealed record RunnerOptions(string Url, string? AwsEndpoint, string DataDirectory, IReadOnlyDictionary<string, string?> Settings, IReadOnlyList<string> Printed);

public static class LocalRunner
{
    public const string DefaultUrl = "http://127.0.0.1:5050";
    public const string DefaultToken = "local-dev-token";

    public static RunnerOptions Options(string[] args, IConfiguration environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        string? Arg(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        var url = Arg("--urls") ?? environment["urls"] ?? DefaultUrl;
        var endpoint = Arg("--aws-endpoint");
        var data = Arg("--data-dir") ?? Path.Combine(Directory.GetCurrentDirectory(), ".local");
        Directory.CreateDirectory(data);
        var printed = new List<string>();
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);

        // A secret is printed only as where it comes from (hiddenAs), never as its value.
        string Setting(string name, Func<string> fallback, string? hiddenAs = null)
        {
            var value = environment[name];
            var from = "environment";
            if (string.IsNullOrEmpty(value))
            {
                value = fallback();
                from = "local default";
            }

            settings[name] = value;
            printed.Add($"  {name} = {hiddenAs ?? value}   [{from}]");
            return value;
        }

        // The local default is printed (the curl line uses it); a token from the environment is not.
        Setting(SettingNames.ApiToken, () => DefaultToken, hiddenAs: string.IsNullOrEmpty(environment[SettingNames.ApiToken]) ? null : "(set, not shown)");
        Setting(SettingNames.SigningSecret, () =>
        {
            // One key per data folder, kept across restarts; never printed.
            var file = Path.Combine(data, "webhook-signing-secret");
            if (!File.Exists(file))
            {
                File.WriteAllText(file, WebhookKey.Generate());
            }

            return File.ReadAllText(file).Trim();
        }, hiddenAs: "(kept in " + Path.Combine(data, "webhook-signing-secret") + ")");
        Setting(SettingNames.AllowedTargetHosts, () => "127.0.0.1,localhost,::1");
        Setting(SettingNames.CallbackBaseUrl, () => url.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/'));
        Setting(SettingNames.DeliveryPrecision, () => "second");
        Setting(SettingNames.RetryBaseSeconds, () => "30");
        Setting(SettingNames.RetryCapSeconds, () => "3600");

        // Locally a revoked key is refused and a rotated secret signs at once: nothing is cached.
        Setting(SettingNames.CallerCacheSeconds, () => "0");
        settings[SettingNames.Region] = environment[SettingNames.Region] ?? "ap-northeast-2";
        settings[SettingNames.TableName] = environment[SettingNames.TableName] ?? "delayed-http-tasks";
        settings[SettingNames.ScheduleGroup] = environment[SettingNames.ScheduleGroup] ?? "delayed-http-tasks";
        settings[SettingNames.SchedulerRoleArn] = "arn:aws:iam::000000000000:role/delayed-http-tasks-scheduler";
        settings[SettingNames.ForwarderArn] = "arn:aws:lambda:local:000000000000:function:delayed-http-tasks-forwarder";
        settings[SettingNames.DeadLetterQueueArn] = "arn:aws:sqs:local:000000000000:delayed-http-tasks-dlq";
        settings[SettingNames.RetentionDays] = environment[SettingNames.RetentionDays];
        settings[SettingNames.DeliveryQueueUrl] = "local:delivery";
        settings[SettingNames.FailedDeliveriesQueueUrl] = "local:failed-deliveries";
        settings[SettingNames.DeadLetterQueueUrl] = "local:dead-letter";
        settings[SettingNames.LogLevel] = environment[SettingNames.LogLevel] ?? "INFO";
        if (endpoint is not null)
        {
            settings[SettingNames.EndpointUrl] = endpoint;
            settings[SettingNames.AccessKeyId] = environment[SettingNames.AccessKeyId] ?? "testing";
            settings[SettingNames.SecretAccessKey] = environment[SettingNames.SecretAccessKey] ?? "testing";
        }

        return new RunnerOptions(url, endpoint, data, settings, printed);
    }

    /// <summary>The runner: every catalog route on Kestrel, and the clock that fires schedules and queued wake-ups.</summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Stream? functionLogs = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var options = Options(args, builder.Configuration);
        builder.WebHost.UseUrls(options.Url);
        builder.Services.Configure<KestrelServerOptions>(o =>
        {
            o.Limits.MaxRequestBodySize = HttpApiGateway.MaxBodyBytes;
            o.ConfigureEndpointDefaults(listen => listen.UseJsonErrorBodies());
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(95));
        var settings = new Dictionary<string, string?>(options.Settings);
        var logs = functionLogs ?? Console.OpenStandardOutput();
        var time = TimeProvider.System;
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(RouteTable.FromCatalog());

        if (options.AwsEndpoint is null)
        {
            var database = new LocalDatabase(Path.Combine(options.DataDirectory, "runner.db"));
            var embedded = new LocalFunctions.EmbeddedParts(database, new LocalTaskStore(database, time), new LocalScheduler(database), new LocalDeliveryQueues(database, time), new LocalCallbackStore(database, time), new LocalCallerStore(database), new LocalScheduleStore(database), new LocalDeadLetterChannel(database, time));
            builder.Services.AddSingleton(database);
            builder.Services.AddSingleton(embedded.Scheduler);
            builder.Services.AddSingleton(embedded.Queues);
            builder.Services.AddSingleton(_ => new LocalFunctions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), embedded, logs));
            builder.Services.AddHostedService<EmbeddedClock>();
        }
        else
        {
            // The real clients, against the endpoint: create what the template would have created.
            var aws = new AwsSettings(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
            var dynamoDb = new AmazonDynamoDBClient(aws.Credentials, aws.Configure(new AmazonDynamoDBConfig(), "DYNAMODB"));
            await TaskTableSchema.EnsureCreatedAsync(dynamoDb, settings[SettingNames.TableName]!, CancellationToken.None).ConfigureAwait(false);
            var scheduler = SchedulerClient.Create(aws);
            await scheduler.EnsureScheduleGroupAsync(settings[SettingNames.ScheduleGroup]!, CancellationToken.None).ConfigureAwait(false);
            var sqs = new AmazonSQSClient(aws.Credentials, aws.Configure(new AmazonSQSConfig(), "SQS"));
            var prefix = settings[SettingNames.TableName];
            var failed = (await sqs.CreateQueueAsync(prefix + "-failed-deliveries").ConfigureAwait(false)).QueueUrl;
            var delivery = (await sqs.CreateQueueAsync(prefix + "-delivery").ConfigureAwait(false)).QueueUrl;
            var deadLetters = (await sqs.CreateQueueAsync(prefix + "-dlq").ConfigureAwait(false)).QueueUrl;
            settings[SettingNames.DeliveryQueueUrl] = delivery;
            settings[SettingNames.DeadLetterQueueUrl] = deadLetters;
            settings[SettingNames.DeadLetterQueueArn] = (await sqs.GetQueueAttributesAsync(deadLetters, ["QueueArn"]).ConfigureAwait(false)).QueueARN;
            settings[SettingNames.FailedDeliveriesQueueUrl] = failed;
            builder.Services.AddSingleton<IAmazonDynamoDB>(dynamoDb);
            builder.Services.AddSingleton<ISchedulerClient>(scheduler);
            builder.Services.AddSingleton<IAmazonSQS>(sqs);
            builder.Services.AddSingleton(_ => new LocalFunctions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), null, logs));
            builder.Services.AddHostedService(sp => new AwsClock(
                scheduler, sqs, settings[SettingNames.ScheduleGroup]!, delivery, sp.GetRequiredService<ForwarderInvoker>(), time, sp.GetRequiredService<ILogger<AwsClock>>()));
        }

        builder.Services.AddSingleton<ForwarderInvoker>();
        builder.Services.AddHostedService<RecurringClock>();
        builder.Services.AddSingleton<HttpApiGateway>();
        var app = builder.Build();
        // Init as Lambda would before the first event: the forwarder is built (and its settings checked) now,
        // so the first delivery does not pay for it.
        app.Services.GetRequiredService<LocalFunctions>().Get("ForwarderFunction");
        app.Run(http => http.RequestServices.GetRequiredService<HttpApiGateway>().HandleAsync(http));
        return app;
    }

    /// <summary>Back-compatible synchronous build for embedded mode (tests of the HTTP surface).</summary>
    public static WebApplication Build(string[] args) => BuildAsync(args, Stream.Null).GetAwaiter().GetResult();
}
