using Functions.Scheduler;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Polly;

namespace Functions.Tests.Integration;

/// <summary>The Scheduler client's error mapping and retries, against a real HTTP server that answers as Scheduler does.</summary>
public sealed class SchedulerClientTests : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly Queue<(int Status, string? ErrorType, string Body)> _answers = new();
    private int _requests;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(async http =>
        {
            Interlocked.Increment(ref _requests);
            var (status, errorType, body) = _answers.Count > 0 ? _answers.Dequeue() : (200, null, "{}");
            http.Response.StatusCode = status;
            if (errorType is not null)
            {
                http.Response.Headers["x-amzn-ErrorType"] = errorType;
            }

            await http.Response.WriteAsync(body);
        });
        await _app.StartAsync();
    }

    private SchedulerClient Client() => new(
        new HttpClient { BaseAddress = new Uri(_app!.Urls.First()) },
        new ResiliencePipelineBuilder().AddRetry(new Polly.Retry.RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<SchedulerException>(ex => ex.IsTransient),
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(1),
        }).Build());

    private static CreateScheduleRequest Request => new()
    {
        GroupName = "g",
        ScheduleExpression = "at(2030-01-01T00:00:00)",
        FlexibleTimeWindow = new FlexibleTimeWindow { Mode = "OFF" },
        Target = new ScheduleTarget { Arn = "arn:aws:lambda:x", RoleArn = "arn:aws:iam::1:role/r" },
    };

    [Theory]
    [InlineData(400, "ValidationException", typeof(SchedulerValidationException))]
    [InlineData(402, "ServiceQuotaExceededException", typeof(SchedulerServiceQuotaExceededException))]
    [InlineData(404, "ResourceNotFoundException:http://internal.amazon.com/coral/", typeof(SchedulerResourceNotFoundException))]
    [InlineData(418, null, typeof(SchedulerException))]
    public async Task AnErrorAnswer_BecomesItsTypedException_WithoutRetry(int status, string? errorType, Type expected)
    {
        _answers.Enqueue((status, errorType, """{"Message":"no"}"""));
        using var client = Client();

        var error = await Assert.ThrowsAnyAsync<SchedulerException>(() => client.CreateScheduleAsync("n", Request, CancellationToken.None));

        Assert.IsType(expected, error);
        Assert.Contains("no", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _requests);
    }

    [Fact]
    public async Task ThrottlingAndServerErrors_AreRetried_ThenSucceed()
    {
        _answers.Enqueue((429, "ThrottlingException", """{"message":"slow down"}"""));
        _answers.Enqueue((500, "InternalServerException", "{}"));
        _answers.Enqueue((200, null, """{"ScheduleArn":"arn:aws:scheduler:r:1:schedule/g/n"}"""));
        using var client = Client();

        var arn = await client.CreateScheduleAsync("n", Request, CancellationToken.None);

        Assert.Equal("arn:aws:scheduler:r:1:schedule/g/n", arn);
        Assert.Equal(3, _requests);
    }

    [Fact]
    public async Task PersistentThrottling_EndsAsThrottlingException()
    {
        for (var i = 0; i < 4; i++)
        {
            _answers.Enqueue((429, "ThrottlingException", "{}"));
        }

        using var client = Client();

        await Assert.ThrowsAsync<SchedulerThrottlingException>(() => client.CreateScheduleAsync("n", Request, CancellationToken.None));
        Assert.Equal(4, _requests);
    }

    [Fact]
    public async Task AConflictOnCreate_IsTheSameSchedule_WhoseArnIsReturned()
    {
        _answers.Enqueue((409, "ConflictException", "{}"));
        _answers.Enqueue((200, null, """{"Arn":"arn:aws:scheduler:r:1:schedule/g/n","Name":"n"}"""));
        using var client = Client();

        Assert.Equal("arn:aws:scheduler:r:1:schedule/g/n", await client.CreateScheduleAsync("n", Request, CancellationToken.None));
    }

    [Fact]
    public async Task DeletingOrGettingAMissingSchedule_IsNotAnError()
    {
        _answers.Enqueue((404, "ResourceNotFoundException", "{}"));
        _answers.Enqueue((404, "ResourceNotFoundException", "{}"));
        using var client = Client();

        Assert.False(await client.DeleteScheduleAsync("n", "g", CancellationToken.None));
        Assert.Null(await client.GetScheduleAsync("n", "g", CancellationToken.None));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
