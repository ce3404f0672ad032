using System.Text;
using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Http;
using Functions.Hosting.Logging;
using Functions.Serialization;
using Functions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.UnitTests.Hosting;

public sealed class HttpApiEntryPointTests : IDisposable
{
    private static readonly HttpRoute Route = new("POST", "/api/v1/things/{thing_id}");
    private static readonly FunctionDescriptor Function = new(
        "ThingFunction", "Tests.Things.Post", null, null, null, 512, 10, Route, [], null, null, null, _ => { }, (_, _) => throw new NotSupportedException());
    private readonly MemoryStream _logs = new();
    private readonly ServiceProvider _services;
    private HttpApiRequest? _received;

    public HttpApiEntryPointTests()
    {
        _services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(new JsonLoggerProvider("TestFunction", "test-service", _logs, LogLevel.Information)))
            .BuildServiceProvider();
    }

    private FunctionEntryPoint EntryPoint(HttpApiHandler? handler = null) =>
        HttpApiEntryPoint.Create(Function, _services, handler ?? ((request, _) =>
        {
            _received = request;
            return ValueTask.FromResult(HttpResults.Json(200, "done", FunctionsJsonContext.Default.String));
        }));

    private static void AssertProblem(HttpApiResponse response, int status, string? field = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Headers!["content-type"]);
        var problem = JsonSerializer.Deserialize(response.Body!, FunctionsJsonContext.Default.ProblemDetails)!;
        Assert.Equal(status, problem.Status);
        Assert.Equal("test-request", problem.RequestId);
        if (field is not null)
        {
            Assert.True(problem.Errors!.ContainsKey(field), $"errors names {string.Join(", ", problem.Errors!.Keys)}, not {field}");
        }
    }

    [Fact]
    public async Task Invoke_WithAMatchingEvent_PassesPathParametersAndTheBodyToTheHandler()
    {
        var response = await TestHost.InvokeHttpAsync(EntryPoint(), HttpEvents.Create("POST", "/api/v1/things/a%20b", """{"x":1}"""));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("a b", _received!.PathParameter("thing_id"));
        Assert.Equal("""{"x":1}""", Encoding.UTF8.GetString(_received.BodyBytes.Span));
    }

    [Fact]
    public async Task Invoke_WithABase64Body_GivesTheHandlerTheDecodedBytes()
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"y":2}"""));

        var response = await TestHost.InvokeHttpAsync(EntryPoint(), HttpEvents.Create("POST", "/api/v1/things/1", encoded, base64: true));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("""{"y":2}""", Encoding.UTF8.GetString(_received!.BodyBytes.Span));
    }

    [Theory]
    [InlineData("{not json", "event")]
    [InlineData("""{"version":"2.0","headers":["a"]}""", "$.headers")]
    [InlineData("null", "event")]
    [InlineData("""{"version":"1.0","requestContext":{"http":{"method":"POST"}},"rawPath":"/api/v1/things/1"}""", "version")]
    [InlineData("""{"version":"2.0","rawPath":"/api/v1/things/1"}""", "requestContext.http.method")]
    [InlineData("""{"version":"2.0","requestContext":{"http":{"method":"POST"}}}""", "rawPath")]
    public async Task Invoke_WithAnEventThatIsNotPayload20_Answers400NamingTheField(string @event, string field)
    {
        var response = await TestHost.InvokeHttpAsync(EntryPoint(), @event);

        AssertProblem(response, 400, field);
        Assert.Null(_received);
    }

    [Fact]
    public async Task Invoke_WithABodyThatIsNotBase64_Answers400NamingBody()
    {
        var response = await TestHost.InvokeHttpAsync(EntryPoint(), HttpEvents.Create("POST", "/api/v1/things/1", "%%% not base64", base64: true));

        AssertProblem(response, 400, "body");
        Assert.Null(_received);
    }

    [Theory]
    [InlineData("/api/v1/things")]
    [InlineData("/api/v1/things/1/more")]
    [InlineData("/api/v1/other/1")]
    public async Task Invoke_WithAnotherPath_Answers404(string path)
    {
        var response = await TestHost.InvokeHttpAsync(EntryPoint(), HttpEvents.Create("POST", path));

        AssertProblem(response, 404);
        Assert.Null(_received);
    }

    [Fact]
    public async Task Invoke_WithAnotherMethod_Answers405WithAllow()
    {
        var response = await TestHost.InvokeHttpAsync(EntryPoint(), HttpEvents.Create("DELETE", "/api/v1/things/1"));

        AssertProblem(response, 405);
        Assert.Equal("POST", response.Headers!["allow"]);
    }

    [Fact]
    public async Task Invoke_WhenTheHandlerThrows_Answers500WithoutDetailAndLogsTheException()
    {
        var entryPoint = EntryPoint((_, _) => throw new InvalidOperationException("secret detail: db password"));

        var response = await TestHost.InvokeHttpAsync(entryPoint, HttpEvents.Create("POST", "/api/v1/things/1"));

        AssertProblem(response, 500);
        Assert.DoesNotContain("secret detail", response.Body, StringComparison.Ordinal);
        var line = Assert.Single(LogLines.Parse(_logs));
        Assert.Equal("ERROR", line.GetProperty("level").GetString());
        Assert.Equal("System.InvalidOperationException", line.GetProperty("errorType").GetString());
        Assert.Equal("POST /api/v1/things/{thing_id}", line.GetProperty("routeKey").GetString());
        Assert.Equal("Unhandled exception in {RouteKey}", line.GetProperty("messageTemplate").GetString());
    }

    [Fact]
    public async Task Invoke_BehindANamedStage_IsRoutedByTheRouteKeyApiGatewayMatched()
    {
        var @event = System.Text.Json.Nodes.JsonNode.Parse(HttpEvents.Create("POST", "/prod/api/v1/things/7"))!;
        @event["routeKey"] = Route.RouteKey;
        @event["requestContext"]!["stage"] = "prod";
        @event["pathParameters"] = new System.Text.Json.Nodes.JsonObject { ["thing_id"] = "7" };

        var response = await TestHost.InvokeHttpAsync(EntryPoint(), @event.ToJsonString());

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("7", _received!.PathParameter("thing_id"));
    }

    [Fact]
    public async Task Invoke_WhenTheDeadlineTokenHasFired_StillAnswersWithA500Problem()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var entryPoint = EntryPoint(async (_, context) =>
        {
            await new TaskCompletionSource().Task.WaitAsync(context.CancellationToken);
            return HttpResults.Json(200, "late", FunctionsJsonContext.Default.String);
        });
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(HttpEvents.Create("POST", "/api/v1/things/1")));

        var output = await entryPoint(input, InvocationContext.Create("test-request", TimeSpan.FromSeconds(1), cancellationToken: cancelled.Token));
        var response = JsonSerializer.Deserialize(output, FunctionsJsonContext.Default.HttpApiResponse)!;

        AssertProblem(response, 500);
    }

    [Fact]
    public void Logging_ANonFiniteNumber_WritesItAsText()
    {
        var logger = _services.GetRequiredService<ILoggerFactory>().CreateLogger("test");

        logger.LogInformation("Ratio {Ratio}", double.NaN);

        var line = Assert.Single(LogLines.Parse(_logs));
        Assert.Equal("NaN", line.GetProperty("ratio").GetString());
    }

    [Fact]
    public async Task AProtectedRoute_ServesTheCallerTheAuthorizerAllowed_AndRefusesAnEventThatDidNotPassIt()
    {
        var (entryPoint, calls) = Guarded(adminOnly: false);

        var direct = await TestHost.InvokeHttpAsync(entryPoint, Event(null));
        var emptyContext = await TestHost.InvokeHttpAsync(entryPoint, Event(new Dictionary<string, string>()));
        var billing = await TestHost.InvokeHttpAsync(entryPoint, Event(new Dictionary<string, string> { ["caller"] = "billing", ["admin"] = "false" }));
        var admin = await TestHost.InvokeHttpAsync(entryPoint, Event(new Dictionary<string, string> { ["caller"] = "admin", ["admin"] = "true" }));

        AssertProblem(direct, 401);
        Assert.Equal("Bearer", direct.Headers!["www-authenticate"]);
        AssertProblem(emptyContext, 401);
        Assert.Equal(200, billing.StatusCode);
        Assert.Equal(200, admin.StatusCode);
        Assert.Equal(["billing:False", "admin:True"], calls);
    }

    [Fact]
    public async Task AnAdminRoute_RefusesACallerThatIsNoAdmin_With403_BeforeTheHandler()
    {
        var (entryPoint, calls) = Guarded(adminOnly: true);

        var refused = await TestHost.InvokeHttpAsync(entryPoint, Event(new Dictionary<string, string> { ["caller"] = "billing", ["admin"] = "false" }));
        var notTrue = await TestHost.InvokeHttpAsync(entryPoint, Event(new Dictionary<string, string> { ["caller"] = "billing", ["admin"] = "True " }));
        var allowed = await TestHost.InvokeHttpAsync(entryPoint, Event(new Dictionary<string, string> { ["caller"] = "ops", ["admin"] = "true" }));

        AssertProblem(refused, 403);
        AssertProblem(notTrue, 403);
        Assert.Equal(200, allowed.StatusCode);
        Assert.Equal(["ops:True"], calls);
    }

    private (FunctionEntryPoint EntryPoint, List<string> Calls) Guarded(bool adminOnly)
    {
        var guarded = Function with { Bindings = [new Functions.Hosting.Annotations.RequiresApiTokenAttribute { AdminOnly = adminOnly }] };
        var calls = new List<string>();
        var entryPoint = HttpApiEntryPoint.Create(guarded, _services, (request, _) =>
        {
            calls.Add($"{request.Caller!.Name}:{request.Caller.IsAdmin}");
            return ValueTask.FromResult(HttpResults.Json(200, "done", FunctionsJsonContext.Default.String));
        });
        return (entryPoint, calls);
    }

    /// <summary>An event as API Gateway hands it on: with the authorizer's context when given.</summary>
    private static string Event(Dictionary<string, string>? authorizer)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(HttpEvents.Create("POST", "/api/v1/things/1", "{}"))!;
        node["headers"]!["authorization"] = "Bearer anything: the function never reads it";
        if (authorizer is not null)
        {
            node["requestContext"]!["authorizer"] = new System.Text.Json.Nodes.JsonObject
            {
                ["lambda"] = JsonSerializer.SerializeToNode(authorizer, FunctionsJsonContext.Default.DictionaryStringString),
            };
        }

        return node.ToJsonString();
    }

    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        _disposables.ForEach(d => d.Dispose());
        _services.Dispose();
        _logs.Dispose();
    }
}
