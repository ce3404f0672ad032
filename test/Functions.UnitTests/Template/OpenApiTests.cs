using System.Text.Json;
using Functions.Hosting;
using Functions.Template;
using Functions.Testing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Functions.UnitTests.Template;

/// <summary>openapi.json: committed as generated, every route of serverless.template in it, and a sound OpenAPI 3.1 document.</summary>
public sealed class OpenApiTests
{
    private static readonly string CommittedPath = Path.Combine(Repository.Root, OpenApiBuilder.FileName);

    private static ReadResult Read() => OpenApiDocument.Parse(File.ReadAllText(CommittedPath), "json", new OpenApiReaderSettings());

    [Fact]
    public void CommittedDocument_IsWhatTheHandlerAttributesGenerate()
    {
        var generated = OpenApiBuilder.Render(FunctionCatalog.All);

        Assert.True(generated == File.ReadAllText(CommittedPath), "openapi.json differs from the handler attributes. Regenerate it: dotnet run --project src/Functions.Template");
    }

    [Fact]
    public void EveryRouteOfTheTemplate_IsInTheDocument_AndNoOther()
    {
        using var template = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, TemplateBuilder.FileName)));
        var routes = template.RootElement.GetProperty("Resources").EnumerateObject()
            .Where(r => r.Value.GetProperty("Type").GetString() == "AWS::Serverless::Function")
            .SelectMany(r => r.Value.GetProperty("Properties").TryGetProperty("Events", out var events) && events.TryGetProperty("Api", out var api) ? [api.GetProperty("Properties")] : Array.Empty<JsonElement>())
            .Where(api => api.TryGetProperty("Path", out _)) // the $default route (any other path: 404) has none
            .Select(api => $"{api.GetProperty("Method").GetString()!.ToLowerInvariant()} {api.GetProperty("Path").GetString()}")
            .Order(StringComparer.Ordinal)
            .ToList();
        using var document = JsonDocument.Parse(File.ReadAllText(CommittedPath));
        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name} {path.Name}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(routes.Count > 25, $"only {routes.Count} routes read from the template");
        Assert.Equal(routes, operations);
    }

    [Fact]
    public void TheDocument_ReadsAsOpenApi31_WithoutAnError()
    {
        var result = Read();

        Assert.Empty(result.Diagnostic!.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic.SpecificationVersion);
        Assert.Empty(result.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())!.Select(e => $"{e.Pointer}: {e.Message}"));
    }

    [Fact]
    public void KeyedRoutes_NeedTheBearerKey_AndEveryRefusalIsProblemJsonOrTheGatewaysOwn()
    {
        var document = Read().Document!;
        var keyed = FunctionCatalog.All.Where(f => f.Route is { IsDefault: false }).ToDictionary(f => $"{f.Route!.Method.ToUpperInvariant()} {f.Route.Template}", f => f.RequiresApiToken);

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations!)
            {
                var key = $"{method.Method.ToUpperInvariant()} {path}";
                Assert.Equal(keyed[key], operation.Security is { Count: > 0 });
                Assert.True(operation.Responses!.ContainsKey("default"), key);
                foreach (var (status, response) in operation.Responses.Where(r => r.Key.StartsWith('4') || r.Key.StartsWith('5')))
                {
                    Assert.True(
                        response.Content!.ContainsKey("application/problem+json") || (status is "401" or "403" && response.Content.ContainsKey("application/json")),
                        $"{key} {status} is neither problem+json nor API Gateway's answer");
                }
            }
        }
    }

    [Fact]
    public void TheWebhook_NamesTheStandardWebhooksHeaders_AndHowAnAnswerIsTaken()
    {
        var delivery = Read().Document!.Webhooks!["taskDelivery"].Operations![HttpMethod.Post];

        Assert.Equal(["webhook-id", "webhook-timestamp", "webhook-signature", "Idempotency-Key", "User-Agent"], delivery.Parameters!.Select(p => p.Name));
        Assert.All(delivery.Parameters!, p => Assert.Equal(ParameterLocation.Header, p.In));
        Assert.Equal(["2XX", "408", "429", "5XX", "default"], delivery.Responses!.Keys);
    }

    [Fact]
    public void TheTaskSchema_IsTheRecordTheFunctionsSerialize_WithItsAttemptLog()
    {
        var schemas = Read().Document!.Components!.Schemas!;
        var task = schemas["TaskResponse"];
        var attempt = schemas["AttemptResponse"];

        Assert.Contains("attempts_log", task.Properties!.Keys);
        Assert.Contains("header_names", task.Properties.Keys);
        Assert.Contains("task_id", task.Required!);
        Assert.Equal(["attempt", "retry", "started_at", "duration_ms", "status_code", "error_kind", "error", "response", "response_bytes", "outcome", "next_retry_at"], attempt.Properties!.Keys);
    }
}
