using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Amazon.Runtime.Signing;
using Functions.Hosting.Aws;
using Functions.Serialization;
using Polly;
using Polly.Retry;

namespace Functions.Scheduler;

/// <summary>
/// The project's own EventBridge Scheduler client (AWSSDK.Scheduler is not served here): rest-json over
/// HttpClient, each request signed by AWSSDK.Core's SigV4SigningHandler (signing name "scheduler").
/// Throttling, 5xx and connection failures are retried with exponential backoff and jitter (Polly); every
/// retried call is idempotent (CreateSchedule carries a ClientToken; the rest are reads and deletes).
/// </summary>
public sealed class SchedulerClient : ISchedulerClient, IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _retry;

    public SchedulerClient(HttpClient http, ResiliencePipeline retry)
    {
        _http = http;
        _retry = retry;
    }

    /// <summary>The client as the functions use it: signed, endpoint from the AWS settings, retries on.</summary>
    public static SchedulerClient Create(AwsSettings aws, TimeSpan? attemptTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(aws);
        var endpoint = aws.EndpointOverride("SCHEDULER") ?? new Uri($"https://scheduler.{aws.Region.SystemName}.{aws.Region.PartitionDnsSuffix}");
        var signing = new SigV4SigningHandler(aws.Credentials, aws.Region, "scheduler", new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        });
        var http = new HttpClient(signing) { BaseAddress = endpoint, Timeout = attemptTimeout ?? TimeSpan.FromSeconds(10) };
        return new SchedulerClient(http, DefaultRetry());
    }

    public static ResiliencePipeline DefaultRetry(TimeProvider? time = null) => new ResiliencePipelineBuilder { TimeProvider = time ?? TimeProvider.System }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<SchedulerException>(ex => ex.IsTransient)
                .Handle<HttpRequestException>(ex => ex.StatusCode is null)
                .Handle<TaskCanceledException>(ex => ex.InnerException is TimeoutException),
            MaxRetryAttempts = 3,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(2),
        })
        .Build();

    public async Task<string> CreateScheduleAsync(string name, CreateScheduleRequest request, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, FunctionsJsonContext.Default.CreateScheduleRequest);
        try
        {
            var response = await SendAsync(HttpMethod.Post, $"schedules/{Uri.EscapeDataString(name)}", body, cancellationToken).ConfigureAwait(false);
            var created = JsonSerializer.Deserialize(response, FunctionsJsonContext.Default.CreateScheduleResponse);
            return created?.ScheduleArn ?? throw new SchedulerException("InvalidResponse", HttpStatusCode.OK, "CreateSchedule answered without ScheduleArn.");
        }
        catch (SchedulerConflictException)
        {
            // Names are unique per task and attempt: a conflict is this same schedule, created by an earlier try.
            var existing = await GetScheduleAsync(name, request.GroupName, cancellationToken).ConfigureAwait(false);
            if (existing?.Arn is null)
            {
                throw;
            }

            return existing.Arn;
        }
    }

    public async Task<GetScheduleResponse?> GetScheduleAsync(string name, string groupName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await SendAsync(HttpMethod.Get, $"schedules/{Uri.EscapeDataString(name)}?groupName={Uri.EscapeDataString(groupName)}", null, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(response, FunctionsJsonContext.Default.GetScheduleResponse);
        }
        catch (SchedulerResourceNotFoundException)
        {
            return null;
        }
    }

    public async Task<bool> DeleteScheduleAsync(string name, string groupName, CancellationToken cancellationToken)
    {
        var query = $"groupName={Uri.EscapeDataString(groupName)}";
        try
        {
            await SendAsync(HttpMethod.Delete, $"schedules/{Uri.EscapeDataString(name)}?{query}", null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SchedulerResourceNotFoundException)
        {
            return false;
        }
    }

    public async Task<ListSchedulesResponse> ListSchedulesAsync(string groupName, string? namePrefix, string? nextToken, CancellationToken cancellationToken)
    {
        var query = new StringBuilder($"ScheduleGroup={Uri.EscapeDataString(groupName)}");
        if (namePrefix is not null)
        {
            query.Append("&NamePrefix=").Append(Uri.EscapeDataString(namePrefix));
        }

        if (nextToken is not null)
        {
            query.Append("&NextToken=").Append(Uri.EscapeDataString(nextToken));
        }

        var response = await SendAsync(HttpMethod.Get, $"schedules?{query}", null, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(response, FunctionsJsonContext.Default.ListSchedulesResponse) ?? new ListSchedulesResponse();
    }

    public async Task EnsureScheduleGroupAsync(string groupName, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(HttpMethod.Post, $"schedule-groups/{Uri.EscapeDataString(groupName)}", "{}"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch (SchedulerConflictException)
        {
            // It exists.
        }
    }

    private async Task<byte[]> SendAsync(HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(
            static async (state, token) =>
            {
                using var request = new HttpRequestMessage(state.method, state.path);
                if (state.body is not null)
                {
                    request.Content = new ByteArrayContent(state.body);
                    request.Content.Headers.ContentType = JsonType;
                }

                using var response = await state.http.SendAsync(request, token).ConfigureAwait(false);
                var content = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return content;
                }

                var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
                throw SchedulerException.From(errorType, response.StatusCode, ErrorMessage(content));
            },
            (http: _http, method, path, body),
            cancellationToken).ConfigureAwait(false);

    private static string? ErrorMessage(byte[] content)
    {
        if (content.Length == 0)
        {
            return null;
        }

        try
        {
            var error = JsonSerializer.Deserialize(content, FunctionsJsonContext.Default.SchedulerErrorBody);
            return error?.Message ?? error?.LowerMessage;
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(content, 0, Math.Min(content.Length, 256));
        }
    }

    public void Dispose() => _http.Dispose();
}
