using System.Text.Json;
using Functions.Hosting;
using Functions.Template;
using Functions.Testing;

namespace Functions.UnitTests.Template;

public sealed class TemplateTests
{
    private static readonly string CommittedPath = Path.Combine(Repository.Root, TemplateBuilder.FileName);

    [Fact]
    public void CommittedTemplate_IsWhatTheHandlerAttributesGenerate()
    {
        var generated = TemplateBuilder.Render(FunctionCatalog.All);
        var committed = File.ReadAllText(CommittedPath);

        Assert.True(
            generated == committed,
            "serverless.template differs from the handler attributes. Regenerate it: dotnet run --project src/Functions.Template");
    }

    [Fact]
    public void EveryFunction_IsDeclaredWithItsAttributes()
    {
        using var template = JsonDocument.Parse(TemplateBuilder.Render(FunctionCatalog.All));
        var resources = template.RootElement.GetProperty("Resources");

        Assert.NotEmpty(FunctionCatalog.All);
        foreach (var function in FunctionCatalog.All)
        {
            var properties = resources.GetProperty(function.Name).GetProperty("Properties");
            Assert.Equal(function.MemorySize, properties.GetProperty("MemorySize").GetInt32());
            Assert.Equal(function.Timeout, properties.GetProperty("Timeout").GetInt32());
            Assert.Equal(function.Name, properties.GetProperty("Environment").GetProperty("Variables").GetProperty(SettingNames.FunctionHandler).GetString());
            Assert.Equal("JSON", properties.GetProperty("LoggingConfig").GetProperty("LogFormat").GetString());
            if (function.Route is { } route)
            {
                var api = properties.GetProperty("Events").GetProperty("Api").GetProperty("Properties");
                Assert.Equal(route.IsDefault ? null : route.Method, api.TryGetProperty("Method", out var method) ? method.GetString() : null);
                Assert.Equal(route.IsDefault ? null : route.Template, api.TryGetProperty("Path", out var path) ? path.GetString() : null);
                Assert.Equal("2.0", api.GetProperty("PayloadFormatVersion").GetString());
                // Every route has the API's authorizer (its default) unless it is public.
                Assert.Equal(function.RequiresApiToken ? null : "NONE", api.TryGetProperty("Auth", out var auth) ? auth.GetProperty("Authorizer").GetString() : null);
            }
        }
    }

    [Fact]
    public void EveryFunction_RunsTheExecutableOnTheManagedDotnet10Runtime_FromOneBuildDefinition()
    {
        using var template = JsonDocument.Parse(File.ReadAllText(CommittedPath));
        var globals = template.RootElement.GetProperty("Globals").GetProperty("Function");
        var resources = template.RootElement.GetProperty("Resources");

        Assert.Equal("dotnet10", globals.GetProperty("Runtime").GetString());
        Assert.Equal("Functions", globals.GetProperty("Handler").GetString());
        Assert.Equal("src/Functions/", globals.GetProperty("CodeUri").GetString());
        Assert.Equal("arm64", Assert.Single(globals.GetProperty("Architectures").EnumerateArray()).GetString());
        foreach (var function in FunctionCatalog.All)
        {
            // SAM CLI builds functions sharing a CodeUri once only when runtime, CodeUri, architecture, package type
            // and Metadata are equal: none of them may be set per function.
            var resource = resources.GetProperty(function.Name);
            Assert.False(resource.TryGetProperty("Metadata", out _), function.Name + " has Metadata of its own");
            foreach (var name in new[] { "CodeUri", "Runtime", "Handler", "Architectures", "PackageType", "ImageUri", "InlineCode" })
            {
                Assert.False(resource.GetProperty("Properties").TryGetProperty(name, out _), $"{function.Name} sets {name} itself");
            }
        }
    }

    [Fact]
    public void TheLambdaToolsDefaults_HoldOnlyOptionsTheToolReads_ForThisTemplate()
    {
        using var defaults = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "aws-lambda-tools-defaults.json")));

        // Amazon.Lambda.Tools ignores configuration and framework when CodeUri is not the current folder, and has no
        // capabilities option: only these are read (Information is its comment field).
        Assert.Equal(
            ["Information", "s3-prefix", "stack-name", "template"],
            defaults.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(TemplateBuilder.FileName, defaults.RootElement.GetProperty("template").GetString());
    }

    [Fact]
    public void EveryResourceHoldingState_IsKeptOnReplacementAndDeletion()
    {
        using var template = JsonDocument.Parse(File.ReadAllText(CommittedPath));
        var resources = template.RootElement.GetProperty("Resources");

        foreach (var id in new[] { "TasksTable", "DeadLetterQueue", "DeliveryQueue", "FailedDeliveriesQueue" })
        {
            Assert.Equal("Retain", resources.GetProperty(id).GetProperty("DeletionPolicy").GetString());
            Assert.Equal("Retain", resources.GetProperty(id).GetProperty("UpdateReplacePolicy").GetString());
        }

        var queues = resources.EnumerateObject().Where(r => r.Value.GetProperty("Type").GetString() is "AWS::SQS::Queue" or "AWS::DynamoDB::Table");
        Assert.All(queues, q => Assert.Equal("Retain", q.Value.GetProperty("DeletionPolicy").GetString()));
    }

    [Fact]
    public void HealthRoute_ComesFromTheCatalog()
    {
        var health = Assert.Single(FunctionCatalog.All, f => f.Route?.RouteKey == "GET /api/v1/health");

        Assert.Equal("HealthFunction", health.Name);
        Assert.Equal("Functions.Api.HealthFunction.Get", health.Handler);
    }

    [Fact]
    public void ChangingAnAttribute_ChangesTheTemplate()
    {
        var health = FunctionCatalog.Find("HealthFunction")!;
        var original = TemplateBuilder.Render(FunctionCatalog.All);

        // The whole catalog with only the health function changed, as an edited attribute would change it.
        FunctionDescriptor[] With(FunctionDescriptor changed) => [.. FunctionCatalog.All.Select(f => f.Name == changed.Name ? changed : f)];
        var biggerMemory = TemplateBuilder.Render(With(health with { MemorySize = health.MemorySize + 128 }));
        var otherRoute = TemplateBuilder.Render(With(health with { Route = new Functions.Hosting.Http.HttpRoute("GET", "/api/v2/health") }));

        Assert.NotEqual(original, biggerMemory);
        Assert.NotEqual(original, otherRoute);
        Assert.Contains("/api/v2/health", otherRoute, StringComparison.Ordinal);
    }

    [Fact]
    public void TheForwarder_IsCappedByParameters_SoDeliveriesCannotStarveTheApi()
    {
        using var template = System.Text.Json.JsonDocument.Parse(TemplateBuilder.Render(FunctionCatalog.All));
        var root = template.RootElement;
        var forwarder = root.GetProperty("Resources").GetProperty("ForwarderFunction").GetProperty("Properties");
        var reserved = forwarder.GetProperty("ReservedConcurrentExecutions").GetProperty("Ref").GetString()!;
        var queueCap = forwarder.GetProperty("Events").GetProperty("Queue").GetProperty("Properties").GetProperty("ScalingConfig").GetProperty("MaximumConcurrency").GetProperty("Ref").GetString()!;

        Assert.Equal("ForwarderConcurrency", reserved);
        Assert.Equal("DeliveryQueueConcurrency", queueCap);
        Assert.True(root.GetProperty("Parameters").GetProperty(queueCap).GetProperty("Default").GetInt32() < root.GetProperty("Parameters").GetProperty(reserved).GetProperty("Default").GetInt32());
        Assert.All(FunctionCatalog.All.Where(f => f.Name != "ForwarderFunction"), f => Assert.Null(f.ReservedConcurrency));
    }
}
