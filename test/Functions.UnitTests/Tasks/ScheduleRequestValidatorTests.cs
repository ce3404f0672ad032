using System.Text.Json;
using Functions.Serialization;
using Functions.Tasks.Requests;

namespace Functions.UnitTests.Tasks;

public sealed class ScheduleRequestValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
    private readonly ScheduleRequestValidator _validator = new(TargetPolicy.FromSetting(null));

    private (ValidTaskRequest? Request, Dictionary<string, string[]> Errors) Validate(string json) =>
        _validator.Validate(JsonSerializer.Deserialize(json, FunctionsJsonContext.Default.ScheduleTaskRequest)!, Now, "https://api.example.com/api/v1/tasks/callback");

    [Fact]
    public void TheGuidesRequest_IsValid_WithTheDefaults()
    {
        var (request, errors) = Validate("""{"delay_minutes": 30, "data": {"task_id": 123}}""");

        Assert.Empty(errors);
        Assert.Equal(Now.AddMinutes(30), request!.Timing.RunAt(Now));
        Assert.Equal("https://api.example.com/api/v1/tasks/callback", request.Url);
        Assert.Equal("POST", request.Method);
        Assert.Equal(3, request.MaxAttempts);
        Assert.Equal(30, request.TimeoutSeconds);
    }

    [Theory]
    [InlineData("""{"run_at": "2026-11-30T15:30:00+09:00"}""", 30)]
    [InlineData("""{"run_at": "2026-11-30T06:30:00.123456789Z"}""", 30)]
    [InlineData("""{"delay_seconds": 1800}""", 30)]
    public void RunAt_FollowsTheGivenField(string json, int minutes)
    {
        var (request, errors) = Validate(json);

        Assert.Empty(errors);
        Assert.InRange(request!.Timing.RunAt(Now) - Now, TimeSpan.FromMinutes(minutes), TimeSpan.FromMinutes(minutes) + TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData("""{"delay_minutes": 1, "run_at": "2026-12-01T00:00:00Z"}""", "delay_minutes", "run_at")]
    [InlineData("""{}""", "delay_minutes", "delay_seconds", "run_at")]
    [InlineData("""{"delay_seconds": 31536001}""", "delay_seconds")]
    [InlineData("""{"run_at": "2026-11-30T05:59:59Z"}""", "run_at")]
    [InlineData("""{"run_at": "2027-12-01T06:00:00Z"}""", "run_at")]
    [InlineData("""{"run_at": "tomorrow"}""", "run_at")]
    [InlineData("""{"delay_minutes": 1, "headers": {"bad header": "x"}}""", "headers.bad header")]
    [InlineData("""{"delay_minutes": 1, "headers": {"X-A": "1\r\nX-B: 2"}}""", "headers.X-A")]
    [InlineData("""{"delay_minutes": 1, "headers": {"Connection": "close"}}""", "headers.Connection")]
    [InlineData("""{"delay_minutes": 1, "headers": {"X-Name": "Jürgen"}}""", "headers.X-Name")]
    [InlineData("""{"delay_minutes": 1, "headers": {"Content-Length": "5"}}""", "headers.Content-Length")]
    [InlineData("""{"delay_minutes": 1, "headers": {"x-a": "1", "X-A": "2"}}""", "headers.X-A")]
    [InlineData("""{"delay_minutes": 1, "data": "text"}""", "data")]
    public void Invalid_NamesEachField(string json, params string[] fields)
    {
        var (request, errors) = Validate(json);

        Assert.Null(request);
        foreach (var field in fields)
        {
            Assert.True(errors.ContainsKey(field), $"errors name {string.Join(", ", errors.Keys)}, not {field}");
        }
    }

    [Fact]
    public void Limits_OnHeadersDataAndKey_AreEnforced()
    {
        var tooMany = "{" + string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"x-h{i}\":\"v\"")) + "}";
        var bigHeader = new string('a', 4097);
        var bigData = new string('d', 200 * 1024);

        Assert.True(Validate($$"""{"delay_minutes": 1, "headers": {{tooMany}}}""").Errors.ContainsKey("headers"));
        Assert.True(Validate($$$"""{"delay_minutes": 1, "headers": {"x-big": "{{{bigHeader}}}"}}""").Errors.ContainsKey("headers.x-big"));
        Assert.True(Validate($$$"""{"delay_minutes": 1, "data": {"d": "{{{bigData}}}"}}""").Errors.ContainsKey("data"));
        Assert.True(Validate($$"""{"delay_minutes": 1, "idempotency_key": "{{new string('k', 129)}}"}""").Errors.ContainsKey("idempotency_key"));
        Assert.Empty(Validate($$"""{"delay_minutes": 1, "idempotency_key": "{{new string('k', 128)}}"}""").Errors);
    }

    [Fact]
    public void Fingerprint_IgnoresKeyOrder_ButNotValues()
    {
        var a = Validate("""{"delay_minutes": 5, "data": {"x": 1, "y": {"b": 2, "a": 1}}, "headers": {"X-One": "1"}}""").Request!;
        var b = Validate("""{"headers": {"x-one": "1"}, "data": {"y": {"a": 1, "b": 2}, "x": 1}, "delay_minutes": 5}""").Request!;
        var c = Validate("""{"delay_minutes": 6, "data": {"x": 1, "y": {"b": 2, "a": 1}}, "headers": {"X-One": "1"}}""").Request!;

        Assert.Equal(a.Fingerprint(), b.Fingerprint());
        Assert.NotEqual(a.Fingerprint(), c.Fingerprint());
    }
}
