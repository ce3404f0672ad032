using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Functions.Forwarder;
using Functions.Tasks;

namespace Functions.UnitTests.Forwarder;

/// <summary>Every attempt is kept on its task: when, how long, the status or the error's kind, the answer's start, the next retry.</summary>
public sealed class AttemptLogTests : IDisposable
{
    private readonly DeliveryRig _rig = new();

    [Fact]
    public async Task EachAttempt_IsOnTheTask_WithItsStatusResponseAndNextRetry_OldestFirst()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0");
        _rig.Target.Then(HttpStatusCode.ServiceUnavailable, Encoding.UTF8.GetBytes("busy, try later"), "text/plain; charset=utf-8");
        _rig.Target.Then(HttpStatusCode.OK, Encoding.UTF8.GetBytes("""{"ok":true}"""), "application/json");

        var firstAt = _rig.Clock.GetUtcNow();
        await _rig.WakeAsync(task.TaskId);
        var retrying = await _rig.TaskAsync(task.TaskId);
        _rig.Clock.Advance(retrying.RunAt - _rig.Clock.GetUtcNow());
        var secondAt = _rig.Clock.GetUtcNow();
        await _rig.WakeAsync(task.TaskId);

        var log = (await _rig.TaskAsync(task.TaskId)).AttemptLog;
        Assert.Equal(2, log.Count);
        var (first, second) = (log[0], log[1]);
        Assert.Equal((1, 0, firstAt, 503, AttemptErrors.HttpStatus, "HTTP 503", "busy, try later", "retrying", retrying.RunAt),
            (first.Attempt, first.Retry, first.StartedAt, first.StatusCode, first.ErrorKind, first.Error, first.Response, first.Outcome, first.NextRetryAt));
        Assert.Equal((2, secondAt, 200, null, null, """{"ok":true}""", "succeeded", null),
            (second.Attempt, second.StartedAt, second.StatusCode, second.ErrorKind, second.Error, second.Response, second.Outcome, (DateTimeOffset?)second.NextRetryAt));
        Assert.NotNull(second.DurationMs);
    }

    [Fact]
    public async Task ABinaryAnswer_IsKeptAsItsLengthOnly()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0");
        _rig.Target.Then(HttpStatusCode.OK, new byte[2000], "application/octet-stream");

        await _rig.WakeAsync(task.TaskId);

        var attempt = Assert.Single((await _rig.TaskAsync(task.TaskId)).AttemptLog);
        Assert.Null(attempt.Response);
        Assert.Equal(2000, attempt.ResponseBytes);
    }

    [Fact]
    public async Task AConnectionFailure_IsKeptAsItsKind_WithoutAStatus_AndTheLastAttemptEndsFailed()
    {
        var task = await _rig.ScheduleAsync("\"delay_seconds\": 0, \"max_attempts\": 1");
        _rig.Target.ThenConnectionFailure();

        await _rig.WakeAsync(task.TaskId);

        var attempt = Assert.Single((await _rig.TaskAsync(task.TaskId)).AttemptLog);
        Assert.Equal((null, AttemptErrors.Connection, "failed", null), (attempt.StatusCode, attempt.ErrorKind, attempt.Outcome, attempt.NextRetryAt));
        Assert.StartsWith("Connection failed", attempt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLog_KeepsTheLast20_AndCutsLongErrors()
    {
        IReadOnlyList<TaskAttempt> log = [];
        for (var n = 1; n <= 25; n++)
        {
            log = AttemptLog.Append(log, new TaskAttempt { Attempt = n, StartedAt = DateTimeOffset.UnixEpoch, Outcome = "retrying", Error = new string('x', 1000) });
        }

        Assert.Equal(Enumerable.Range(6, 20), log.Select(a => a.Attempt));
        Assert.All(log, a => Assert.Equal(AttemptLog.MaxErrorLength, a.Error!.Length));
        Assert.EndsWith("…", log[0].Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain", "hello", "hello")]
    [InlineData(null, "{\"a\":1}", "{\"a\":1}")]
    [InlineData("application/problem+json", "{\"title\":\"x\"}", "{\"title\":\"x\"}")]
    [InlineData("image/png", "hello", null)]
    [InlineData("text/plain", "bell\u0007", null)]
    public void ASnippet_IsTextOnlyWhenItIsText(string? contentType, string body, string? expected)
    {
        var bytes = Encoding.UTF8.GetBytes(body);

        var snippet = ResponseSnippet.From(bytes, bytes.Length, contentType is null ? null : MediaTypeHeaderValue.Parse(contentType))!;

        Assert.Equal(expected, snippet.Text);
        Assert.Equal(bytes.Length, snippet.Bytes);
    }

    [Fact]
    public async Task ALongAnswer_IsCutAt512Bytes_WithoutAHalfCharacter()
    {
        // 511 ASCII bytes then a 3-byte character: the 512th byte is the character's first, which is dropped.
        var body = Encoding.UTF8.GetBytes(new string('a', 511) + "한" + new string('b', 4000));
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain");

        var snippet = (await ResponseSnippet.ReadAsync(content, CancellationToken.None))!;

        Assert.Equal(new string('a', 511), snippet.Text);
        Assert.Equal(body.Length, snippet.Bytes);
    }

    public void Dispose() => _rig.Dispose();
}
