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
    public async Task ARouteThatRequiresTheToken_IsAuthenticatedBeforeTheHandler_WhichGetsTheCaller()
    {
        var (entryPoint, calls, _) = Guarded(adminOnly: false, out var issue);
        var key = await issue("billing", false);

        var missing = await TestHost.InvokeHttpAsync(entryPoint, Event(null));
        var wrong = await TestHost.InvokeHttpAsync(entryPoint, Event("secret-tokeN"));
        var forged = await TestHost.InvokeHttpAsync(entryPoint, Event(key[..^1] + (key[^1] == 'A' ? 'B' : 'A')));
        var bootstrap = await TestHost.InvokeHttpAsync(entryPoint, Event("secret-token"));
        var caller = await TestHost.InvokeHttpAsync(entryPoint, Event(key));

        Assert.Equal(401, missing.StatusCode);
        Assert.Equal("Bearer", missing.Headers!["www-authenticate"]);
        Assert.Equal(401, wrong.StatusCode);
        Assert.Equal(401, forged.StatusCode);
        Assert.Equal(200, bootstrap.StatusCode);
        Assert.Equal(200, caller.StatusCode);
        Assert.Equal(["admin:True", "billing:False"], calls);
    }

    [Fact]
    public async Task AnAdminRoute_RefusesACallerThatIsNoAdmin_With403_BeforeTheHandler()
    {
        var (entryPoint, calls, _) = Guarded(adminOnly: true, out var issue);
        var caller = await issue("billing", false);
        var admin = await issue("ops", true);

        var refused = await TestHost.InvokeHttpAsync(entryPoint, Event(caller));
        var allowed = await TestHost.InvokeHttpAsync(entryPoint, Event(admin));

        Assert.Equal(403, refused.StatusCode);
        Assert.Equal(200, allowed.StatusCode);
        Assert.Equal(["ops:True"], calls);
    }

    private (FunctionEntryPoint EntryPoint, List<string> Calls, ServiceProvider Services) Guarded(bool adminOnly, out Func<string, bool, Task<string>> issue)
    {
        var database = new Functions.Local.Embedded.LocalDatabase(Path.Combine(Path.GetTempPath(), $"auth-{Guid.NewGuid():N}.db"));
        var keys = new Functions.Tasks.Callers.ApiKeyService(new Functions.Local.Embedded.LocalCallerStore(database), TimeSpan.Zero, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Functions.Tasks.Callers.ApiKeyService>.Instance);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IRequestAuthenticator>(new Functions.Api.ApiKeyAuthenticator("secret-token", keys))
            .BuildServiceProvider();
        _disposables.Add(services);
        _disposables.Add(database);
        var guarded = Function with { Bindings = [new Functions.Hosting.Annotations.RequiresApiTokenAttribute { AdminOnly = adminOnly }] };
        var calls = new List<string>();
        var entryPoint = HttpApiEntryPoint.Create(guarded, services, (request, _) =>
        {
            calls.Add($"{request.Caller!.Name}:{request.Caller.IsAdmin}");
            return ValueTask.FromResult(HttpResults.Json(200, "done", FunctionsJsonContext.Default.String));
        });
        issue = async (caller, admin) => (await keys.CreateAsync(caller, admin, CancellationToken.None)).Key;
        return (entryPoint, calls, services);
    }

    private static string Event(string? token)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(HttpEvents.Create("POST", "/api/v1/things/1", "{}"))!;
        if (token is not null)
        {
            node["headers"]!["authorization"] = "Bearer " + token;
        }

        return node.ToJsonString();
    }

    [Fact]
    public void ARouteThatRequiresTheToken_CannotBeBuiltWithoutAnAuthenticator()
    {
        var guarded = Function with { Bindings = [new Functions.Hosting.Annotations.RequiresApiTokenAttribute()] };

        Assert.Throws<InvalidOperationException>(() => HttpApiEntryPoint.Create(guarded, _services, (_, _) => ValueTask.FromResult(new HttpApiResponse())));
    }

    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        _disposables.ForEach(d => d.Dispose());
        _services.Dispose();
        _logs.Dispose();
    }
}
