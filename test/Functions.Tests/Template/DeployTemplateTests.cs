using System.Diagnostics;
using System.Text.Json.Nodes;
using Functions.Testing;

namespace Functions.Tests.Template;

/// <summary>
/// The template as the deploy tools see it, without an AWS account: SAM CLI's template discovery and samconfig.toml
/// rules (scripts/sam-template-check.py applies them), samtranslator's transform with S3 CodeUris as `sam deploy`
/// uploads them, and cfn-lint with informational checks.
/// </summary>
public sealed class DeployTemplateTests
{
    private static readonly Lazy<JsonObject> Check = new(() => JsonNode.Parse(Run("python3", Path.Combine(Repository.Root, "scripts", "sam-template-check.py"), Repository.Root).Output)!.AsObject());

    private static readonly string[] KeyedPrefixes = ["/api/v1/tasks", "/api/v1/schedules", "/api/v1/keys", "/api/v1/signing-secret", "/api/v1/dead-letters"];

    private static JsonObject Transformed => Check.Value["transformed"]!.AsObject();

    [Fact]
    public void SamBuild_FindsServerlessTemplate_AndSamDeployDeploysTheBuild()
    {
        Assert.Equal("serverless.template", (string?)Check.Value["build_template"]);
        // Given a template_file, `sam deploy` would upload the source folder instead of .aws-sam/build.
        Assert.Null(Check.Value["deploy_template"]);
        Assert.Equal("delayed-http-tasks", (string?)Check.Value["stack_name"]);
    }

    [Fact]
    public void NoResource_HasANameFixedAcrossStacks()
    {
        var named = new[] { "FunctionName", "Name", "QueueName", "TableName", "RoleName", "TopicName", "LogGroupName", "AlarmName", "DashboardName", "ApiName" };
        var resources = Transformed["Resources"]!.AsObject();
        Assert.Contains(resources, r => (string?)r.Value!["Type"] == "AWS::Scheduler::Schedule");
        foreach (var (id, resource) in resources)
        {
            var properties = resource!["Properties"] as JsonObject;
            foreach (var property in named)
            {
                if (properties?[property] is { } value)
                {
                    // A literal (or a Sub with no reference in it) is the same in every stack; a Ref, GetAtt or a Sub over
                    // ${AWS::StackName} or another resource's generated name is not.
                    var text = value is JsonValue ? (string?)value : (string?)value["Fn::Sub"];
                    Assert.True(
                        text is null || text.Contains("${", StringComparison.Ordinal),
                        $"{id}.{property} = {value.ToJsonString()}: a second stack in the account would collide with it");
                }
            }
        }
    }

    [Fact]
    public void EveryAlarm_NotifiesSomeone_AndEveryPartHasOne()
    {
        var alarms = Transformed["Resources"]!.AsObject().Where(r => (string?)r.Value!["Type"] == "AWS::CloudWatch::Alarm").ToList();
        foreach (var (id, alarm) in alarms)
        {
            var actions = alarm!["Properties"]!["AlarmActions"] as JsonArray;
            Assert.True(actions is { Count: > 0 }, id + " has no AlarmActions: it would notify nobody");
        }

        var watched = alarms.Select(a => $"{a.Value!["Properties"]!["Namespace"]}/{a.Value["Properties"]!["MetricName"]}:{a.Value["Properties"]!["Dimensions"]![0]!["Value"]!.ToJsonString()}").ToHashSet();
        foreach (var function in Functions.Hosting.FunctionCatalog.All)
        {
            Assert.Contains($$"""AWS/Lambda/Errors:{"Ref":"{{function.Name}}"}""", watched);
            Assert.Contains($$"""AWS/Lambda/Throttles:{"Ref":"{{function.Name}}"}""", watched);
        }

        foreach (var metric in new[] { "TargetErrorCount", "InvocationThrottleCount", "InvocationDroppedCount", "InvocationsFailedToBeSentToDeadLetterCount" })
        {
            Assert.Contains($$"""AWS/Scheduler/{{metric}}:{"Ref":"ScheduleGroup"}""", watched);
        }

        Assert.Contains("""AWS/SQS/ApproximateNumberOfMessagesVisible:{"Fn::GetAtt":["DeadLetterQueue","QueueName"]}""", watched);
        Assert.Contains("""AWS/SQS/ApproximateAgeOfOldestMessage:{"Fn::GetAtt":["DeliveryQueue","QueueName"]}""", watched);
        Assert.Contains("""AWS/DynamoDB/WriteThrottleEvents:{"Ref":"TasksTable"}""", watched);
        Assert.Contains("""AWS/ApiGateway/5xx:{"Ref":"HttpApi"}""", watched);
        // The product's own: deliveries late beyond a threshold, and failed deliveries above a rate.
        Assert.Contains("""DelayedHttpTasks/DeliveryLatenessMs:{"Ref":"AWS::StackName"}""", watched);
        Assert.Contains("""DelayedHttpTasks/Deliveries:{"Ref":"AWS::StackName"}""", watched);
        Assert.Contains("""AWS/SQS/ApproximateNumberOfMessagesVisible:{"Fn::GetAtt":["DeadLetterQueue","QueueName"]}""", watched);
    }

    [Fact]
    public void SamDeployGuided_AsksNoAuthenticationQuestion()
    {
        // SAM CLI's own rule, applied by the script: every route has Auth, or its API has.
        Assert.Empty(Check.Value["auth_questions"]!.AsArray());
    }

    [Fact]
    public void KeyedRoutes_HaveTheAuthorizer_AndThePublicOnesDoNot()
    {
        var api = Transformed["Resources"]!["HttpApi"]!;
        Assert.Equal("AWS::ApiGatewayV2::Api", (string?)api["Type"]);
        var body = api["Properties"]!["Body"]!;
        var scheme = body["components"]!["securitySchemes"]!["ApiKeyAuthorizer"]!["x-amazon-apigateway-authorizer"]!;
        Assert.Equal("request", (string?)scheme["type"]);
        Assert.Equal("2.0", (string?)scheme["authorizerPayloadFormatVersion"]);
        Assert.True((bool)scheme["enableSimpleResponses"]!);
        Assert.Equal("$request.header.Authorization", (string?)Assert.Single(scheme["identitySource"]!.AsArray()));
        Assert.Equal("AuthorizerCacheSeconds", (string?)scheme["authorizerResultTtlInSeconds"]!["Ref"]);
        Assert.Equal(300, (int)Transformed["Parameters"]!["AuthorizerCacheSeconds"]!["MaxValue"]!);

        var routes = body["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Key: $"{op.Key} {path.Key}", Security: op.Value!["security"]?.ToJsonString())))
            .ToList();
        const string Authorizer = """[{"ApiKeyAuthorizer":[]}]""";
        const string Public = """[{"NONE":[]}]""";
        Assert.Equal(Functions.Hosting.FunctionCatalog.All.Count(f => f.Route is not null), routes.Count);
        foreach (var (key, security) in routes)
        {
            var path = key.Split(' ')[1];
            var keyed = KeyedPrefixes.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal));
            if (keyed && path != "/api/v1/tasks/callback")
            {
                Assert.True(security == Authorizer, $"{key} must have the authorizer, has {security}");
            }
            else
            {
                Assert.True(security is null or Public, $"{key} must be public, has {security}");
            }
        }

        // Public: health, the callbacks (they check their signature) and the default route.
        Assert.Contains(("get /api/v1/health", Public), routes);
        Assert.Contains(("x-amazon-apigateway-any-method $default", Public), routes);
        Assert.Contains(("post /api/v1/tasks/callback", Public), routes);
        Assert.Contains(("post /api/v1/tasks/schedule", Authorizer), routes);
    }

    [Fact]
    public void TheStage_IsThrottledByParameters()
    {
        var stage = Transformed["Resources"]!.AsObject().Single(r => (string?)r.Value!["Type"] == "AWS::ApiGatewayV2::Stage").Value!;
        var settings = stage["Properties"]!["DefaultRouteSettings"]!;

        Assert.Equal("ApiThrottlingRateLimit", (string?)settings["ThrottlingRateLimit"]!["Ref"]);
        Assert.Equal("ApiThrottlingBurstLimit", (string?)settings["ThrottlingBurstLimit"]!["Ref"]);
    }

    [Fact]
    public void Samconfig_ShowsEveryTemplateParameter_WithItsDefault()
    {
        var overrides = File.ReadAllLines(Path.Combine(Repository.Root, "samconfig.toml")).Single(l => l.StartsWith("parameter_overrides", StringComparison.Ordinal));
        foreach (var (name, parameter) in JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "serverless.template")))!["Parameters"]!.AsObject())
        {
            Assert.Contains($"{name}=\\\"{(parameter!["Default"] is JsonValue value ? value.ToString() : "")}\\\"", overrides, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheDashboard_ShowsThePromise_TheFailures_AndTheQueues()
    {
        var dashboard = Transformed["Resources"]!.AsObject().Single(r => (string?)r.Value!["Type"] == "AWS::CloudWatch::Dashboard").Value!;
        var body = JsonNode.Parse((string)dashboard["Properties"]!["DashboardBody"]!["Fn::Sub"]!)!;
        var metrics = body["widgets"]!.AsArray().SelectMany(w => w!["properties"]!["metrics"]!.AsArray()).Select(m => m!.ToJsonString()).ToList();

        bool Shows(params string[] parts) => metrics.Any(m => parts.All(p => m.Contains(p, StringComparison.Ordinal)));
        Assert.True(Shows("\"TasksScheduled\""), "scheduled a minute");
        Assert.True(Shows("\"Deliveries\"", "\"succeeded\""), "delivered a minute");
        Assert.True(Shows("\"DeliveryLatenessMs\"", "\"p50\""), "lateness p50");
        Assert.True(Shows("\"DeliveryLatenessMs\"", "\"p99\""), "lateness p99");
        Assert.True(Shows("\"Deliveries\"", "\"failed\""), "failures");
        Assert.True(Shows("\"Duration\"", "${ForwarderFunction}") && Shows("\"Errors\"", "${ForwarderFunction}"), "forwarder duration and errors");
        Assert.True(Shows("ApproximateAgeOfOldestMessage", "${DeliveryQueue.QueueName}"), "queue age");
        Assert.True(Shows("ApproximateNumberOfMessagesVisible", "${DeadLetterQueue.QueueName}"), "dead letters");
        Assert.True(Shows("ApproximateNumberOfMessagesVisible", "${FailedDeliveriesQueue.QueueName}"), "failed deliveries");
        Assert.True(Shows("ColdStarts"), "cold starts");
        // The product's metrics are the stack's own: Service is the stack name, as the functions write it.
        Assert.True(Shows("\"Service\",\"${AWS::StackName}\""));
        Assert.Equal("AWS::StackName", (string?)Transformed["Resources"]!["ForwarderFunction"]!["Properties"]!["Environment"]!["Variables"]!["POWERTOOLS_SERVICE_NAME"]!["Ref"]);
    }

    [Fact]
    public void EveryFunction_IsTraced()
    {
        foreach (var (id, resource) in Transformed["Resources"]!.AsObject().Where(r => (string?)r.Value!["Type"] == "AWS::Lambda::Function"))
        {
            Assert.True((string?)resource!["Properties"]!["TracingConfig"]?["Mode"]?["Ref"] == "TracingMode", id + " is not traced");
        }

        Assert.Equal("Active", (string?)Transformed["Parameters"]!["TracingMode"]!["Default"]);
    }

    [Fact]
    public void CfnLint_FindsNothing_WithInformationalChecks()
    {
        var lint = Run("cfn-lint", "--include-checks I -- serverless.template", Repository.Root, allowFailure: true);

        Assert.True(lint.ExitCode == 0 && lint.Output.Trim().Length == 0, "cfn-lint: " + lint.Output + lint.Error);
    }

    private static (int ExitCode, string Output, string Error) Run(string file, string arguments, string folder, bool allowFailure = false)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["AWS_DEFAULT_REGION"] = "ap-northeast-2";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (!allowFailure && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited {process.ExitCode}: {error.Result}");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
