using System.Text;
using System.Text.Json;
using Functions.Api;
using Functions.Hosting;
using Functions.Hosting.Http;
using Functions.Local;
using Functions.Local.Embedded;
using Functions.Serialization;
using Functions.Tasks.Callers;
using Functions.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Functions.UnitTests.Api;

/// <summary>
/// The edge: the authorizer function with the runner's stand-in for API Gateway in front of it (the same pair the
/// runner uses), against an embedded key store. What a refused request gets is API Gateway's own answer.
/// </summary>
public sealed class ApiKeyAuthorizerTests : IDisposable
{
    private const string Bootstrap = "secret-token";
    private readonly LocalDatabase _database = new(Path.Combine(Path.GetTempPath(), $"authorizer-{Guid.NewGuid():N}.db"));
    private readonly ApiKeyService _keys;
    private readonly AuthorizerFunction _function;
    private int _invocations;

    public ApiKeyAuthorizerTests()
    {
        _keys = new ApiKeyService(new LocalCallerStore(_database), TimeSpan.Zero, TimeProvider.System, NullLogger<ApiKeyService>.Instance);
        _function = new AuthorizerFunction(new ApiKeyAuthorizer(Bootstrap, _keys, NullLogger<ApiKeyAuthorizer>.Instance));
    }

    [Fact]
    public async Task ALiveKey_IsAllowed_WithItsCallerInTheContext_AndTheBootstrapKeyIsTheAdmin()
    {
        var key = (await _keys.CreateAsync("billing", false, CancellationToken.None)).Key;

        var billing = await AuthorizeAsync("Bearer " + key);
        var admin = await AuthorizeAsync("bearer " + Bootstrap);

        Assert.Null(billing.Answer);
        Assert.Equal(new RequestCaller("billing", false), AuthorizerContext.CallerOf(billing.Allowed!));
        Assert.Equal(new RequestCaller("admin", true), AuthorizerContext.CallerOf(admin.Allowed!));
    }

    [Fact]
    public async Task NoAuthorizationHeader_Is401Unauthorized_WithoutInvokingTheAuthorizer()
    {
        var missing = await AuthorizeAsync(null);
        var empty = await AuthorizeAsync("");

        AssertMessage(missing.Answer, 401, "Unauthorized");
        AssertMessage(empty.Answer, 401, "Unauthorized");
        Assert.Equal(0, _invocations);
    }

    [Fact]
    public async Task AWrongForgedOrRevokedKey_Is403Forbidden_FromTheAuthorizersRefusal()
    {
        var (record, key) = await _keys.CreateAsync("billing", false, CancellationToken.None);
        var forged = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');

        var wrongBootstrap = await AuthorizeAsync("Bearer secret-tokeN");
        var notBearer = await AuthorizeAsync("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + Bootstrap)));
        var forgedKey = await AuthorizeAsync("Bearer " + forged);
        Assert.True(await _keys.RevokeAsync(record.KeyId, CancellationToken.None));
        var revoked = await AuthorizeAsync("Bearer " + key);

        foreach (var refused in new[] { wrongBootstrap, notBearer, forgedKey, revoked })
        {
            AssertMessage(refused.Answer, 403, "Forbidden");
        }

        Assert.Equal(4, _invocations);
    }

    [Fact]
    public async Task AnEventThatIsNoAuthorizerEvent_IsRefused()
    {
        await using var output = await _function.Authorize(new MemoryStream("[not an event"u8.ToArray()), InvocationContext.Create("r", TimeSpan.FromSeconds(5)));

        var answer = await JsonSerializer.DeserializeAsync(output, FunctionsJsonContext.Default.HttpApiAuthorizerResponse);

        Assert.False(answer!.IsAuthorized);
        Assert.Null(answer.Context);
    }

    [Fact]
    public async Task AnAuthorizerThatFails_Is500_AndTheRouteIsNotInvoked()
    {
        var edge = new EdgeAuthorizer((_, _) => throw new InvalidOperationException("down"));

        var (allowed, answer) = await edge.AuthorizeAsync(Request("Bearer " + Bootstrap), InvocationContext.Create("r", TimeSpan.FromSeconds(5)));

        Assert.Null(allowed);
        AssertMessage(answer, 500, "Internal Server Error");
    }

    private async Task<(HttpApiRequest? Allowed, HttpApiResponse? Answer)> AuthorizeAsync(string? authorization)
    {
        var edge = new EdgeAuthorizer((@event, context) =>
        {
            _invocations++;
            return _function.Authorize(@event, context);
        });
        return await edge.AuthorizeAsync(Request(authorization), InvocationContext.Create("r", TimeSpan.FromSeconds(5)));
    }

    private static HttpApiRequest Request(string? authorization)
    {
        var request = JsonSerializer.Deserialize(HttpEvents.Create("GET", "/api/v1/tasks"), FunctionsJsonContext.Default.HttpApiRequest)!;
        var headers = request.Headers!.Where(h => h.Key != "authorization").ToDictionary(StringComparer.Ordinal);
        if (authorization is not null)
        {
            headers["authorization"] = authorization;
        }

        return request with { Headers = headers };
    }

    private static void AssertMessage(HttpApiResponse? answer, int status, string message)
    {
        Assert.NotNull(answer);
        Assert.Equal(status, answer.StatusCode);
        Assert.Equal($$"""{"message":"{{message}}"}""", answer.Body);
        Assert.Equal("application/json", answer.Headers!["content-type"]);
    }

    public void Dispose() => _database.Dispose();
}
