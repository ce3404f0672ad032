using System.Text;
using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Http;
using Functions.Serialization;

namespace Functions.UnitTests.Hosting;

/// <summary>Binding a JSON body: what a strict reader would read differently is refused, naming the field.</summary>
public sealed class JsonBodyTests
{
    private static readonly InvocationContext Context = InvocationContext.Create("req-1", TimeSpan.FromSeconds(5));

    private static HttpApiRequest Request(byte[] body, string? contentType = "application/json") => new()
    {
        Headers = contentType is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["content-type"] = contentType },
        BodyBytes = body,
    };

    private static (bool Ok, ProblemDetails? Problem, int Status) Read(byte[] body, string? contentType = "application/json")
    {
        var ok = JsonBody.TryRead(Request(body, contentType), Context, FunctionsJsonContext.Default.ScheduleTaskRequest, out _, out var response);
        return ok ? (true, null, 200) : (false, JsonSerializer.Deserialize(response!.Body!, FunctionsJsonContext.Default.ProblemDetails), response.StatusCode);
    }

    private static byte[] WithBytes(string json, string marker, params byte[] replacement)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var at = Encoding.UTF8.GetString(bytes).IndexOf(marker, StringComparison.Ordinal);
        return [.. bytes[..at], .. replacement, .. bytes[(at + marker.Length)..]];
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF8")]
    [InlineData("Application/JSON")]
    [InlineData("application/merge-patch+json")]
    public void AJsonBody_IsRead(string contentType) =>
        Assert.True(Read("""{"delay_minutes": 1}"""u8.ToArray(), contentType).Ok);

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("json")]
    [InlineData(null)]
    public void ABodyNotSentAsJson_Is415NamingTheContentType(string? contentType)
    {
        var (ok, problem, status) = Read("""{"delay_minutes": 1}"""u8.ToArray(), contentType);

        Assert.False(ok);
        Assert.Equal(415, status);
        Assert.True(problem!.Errors!.ContainsKey("content-type"));
        Assert.Equal("req-1", problem.RequestId);
    }

    [Theory]
    [InlineData("""{"url": "https://a.example/", "url": "https://b.example/"}""", "url")]
    [InlineData("""{"delay_minutes": 1, "data": {"x": 1, "y": {"k": 1, "k": 2}}}""", "data.y.k")]
    [InlineData("""{"data": {"list": [{"a": 1}, {"a": 1, "a": 2}]}}""", "data.list[1].a")]
    [InlineData("""{"headers": {"X-A": "1", "X-A": "2"}}""", "headers.X-A")]
    [InlineData("""{"u\u0072l": "a", "url": "b"}""", "url")]
    public void AKeyGivenTwice_Is400NamingIt(string json, string field)
    {
        var (ok, problem, status) = Read(Encoding.UTF8.GetBytes(json));

        Assert.False(ok);
        Assert.Equal(400, status);
        Assert.Equal([field], problem!.Errors!.Keys);
        Assert.Contains("twice", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameKeyInTwoObjects_IsNoDuplicate() =>
        Assert.True(Read("""{"delay_minutes": 1, "data": {"a": {"k": 1}, "b": {"k": 1}}}"""u8.ToArray()).Ok);

    public static TheoryData<byte[], string> InvalidUtf8 => new()
    {
        { WithBytes("""{"delay_minutes": 1, "data": {"k": "AB"}}""", "AB", 0xC0, 0xAF), "data.k" },
        { WithBytes("""{"delay_minutes": 1, "data": {"AB": "v"}}""", "AB", 0xE0, 0x80, 0xAF), "data" },
        { WithBytes("""{"delay_minutes": 1, "data": {"list": ["ok", "AB"]}}""", "AB", 0xFF), "data.list[1]" },
        { WithBytes("""{"delay_minutes": 1, "url": "https://AB.example/"}""", "AB", 0xED, 0xA0, 0x80), "url" },
        { Encoding.UTF8.GetBytes("""{"delay_minutes": 1, "data": {"k": "\ud800"}}"""), "data.k" },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void TextThatIsNotValidUtf8OrUnicode_Is400NamingTheField(byte[] body, string field)
    {
        var (ok, problem, status) = Read(body);

        Assert.False(ok);
        Assert.Equal(400, status);
        Assert.Equal([field], problem!.Errors!.Keys);
    }

    [Theory]
    [InlineData("{not json", "body")]
    [InlineData("", "body")]
    [InlineData("null", "body")]
    [InlineData("""{"delay_minutes": "thirty"}""", "delay_minutes")]
    [InlineData("""{"surprise": true}""", "surprise")]
    public void AMalformedBody_Is400NamingWhatIsWrong(string json, string field)
    {
        var (ok, problem, _) = Read(Encoding.UTF8.GetBytes(json));

        Assert.False(ok);
        Assert.True(problem!.Errors!.ContainsKey(field), string.Join(", ", problem.Errors.Keys));
    }

    [Fact]
    public void ValidNonAsciiText_IsRead()
    {
        var ok = JsonBody.TryRead(Request("""{"delay_minutes": 1, "data": {"note": "héllo 👋 日本"}}"""u8.ToArray()), Context, FunctionsJsonContext.Default.ScheduleTaskRequest, out var body, out _);

        Assert.True(ok);
        Assert.Equal("héllo 👋 日本", body!.Data!.Value.GetProperty("note").GetString());
    }
}
