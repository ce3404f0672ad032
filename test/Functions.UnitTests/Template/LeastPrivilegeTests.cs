using System.Text.Json;
using Functions.Hosting;
using Functions.Template;

namespace Functions.UnitTests.Template;

/// <summary>
/// The generated template grants each function exactly what its resource bindings say and nothing more: every
/// statement of every function is listed here, so a binding that grants more (or a new one) fails until this list
/// is changed on purpose.
/// </summary>
public sealed class LeastPrivilegeTests
{
    private const string Table = "${TasksTable.Arn}";
    private const string Indexes = "${TasksTable.Arn}/index/*";
    private const string Schedules = "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${ScheduleGroup}/*";
    private const string Role = "${SchedulerRole.Arn}";
    private const string Delivery = "${DeliveryQueue.Arn}";
    private const string FailedDeliveries = "${FailedDeliveriesQueue.Arn}";
    private const string SystemDeadLetters = "${DeadLetterQueue.Arn}";
    private const string Token = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${ApiTokenParameterName}";
    private const string Secret = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${SigningSecretParameterName}";

    /// <summary>Only when the SecureStrings are under a customer-managed key (the SecretsKmsKeyArn parameter).</summary>
    private const string Decrypt = "kms:Decrypt if SecretsKmsKeyArn";

    private const string Keys = $"dynamodb:GetItem,dynamodb:UpdateItem {Table} keys=apikey#*";

    private static readonly Dictionary<string, string[]> Expected = new(StringComparer.Ordinal)
    {
        ["HealthFunction"] = [],
        ["NotFoundFunction"] = [],
        ["OpenApiFunction"] = [],
        ["ConsolePageFunction"] = [],
        ["ConsoleAssetFunction"] = [],
        ["AuthorizerFunction"] = [$"ssm:GetParameter {Token}", Keys, Decrypt],
        ["ScheduleTaskFunction"] =
        [
            $"dynamodb:PutItem,dynamodb:GetItem,dynamodb:UpdateItem,dynamodb:DeleteItem {Table} keys=task#*,idem#*",
            $"scheduler:CreateSchedule,scheduler:GetSchedule,scheduler:DeleteSchedule {Schedules}",
            $"iam:PassRole {Role} to=scheduler.amazonaws.com",
            $"sqs:SendMessage {Delivery}",
        ],
        ["GetTaskFunction"] = [$"dynamodb:GetItem {Table} keys=task#*"],
        ["ListTasksFunction"] = [$"dynamodb:Query {Indexes}", $"dynamodb:BatchGetItem {Table} keys=task#*"],
        ["CancelTaskFunction"] = [$"dynamodb:GetItem,dynamodb:UpdateItem {Table} keys=task#*", $"scheduler:DeleteSchedule {Schedules}"],
        ["CreateKeyFunction"] = [$"dynamodb:PutItem {Table} keys=apikey#*"],
        ["ListKeysFunction"] = [$"dynamodb:Query {Indexes}", $"dynamodb:BatchGetItem {Table} keys=apikey#*"],
        ["RevokeKeyFunction"] = [$"dynamodb:UpdateItem {Table} keys=apikey#*"],
        ["GetSigningSecretFunction"] = [$"dynamodb:GetItem {Table} keys=caller#*", $"ssm:GetParameter {Secret}", Decrypt],
        ["RotateSigningSecretFunction"] = [$"dynamodb:UpdateItem {Table} keys=caller#*", $"ssm:GetParameter {Secret}", Decrypt],
        ["ForwarderFunction"] =
        [
            $"dynamodb:PutItem,dynamodb:GetItem,dynamodb:UpdateItem {Table} keys=task#*",
            $"dynamodb:GetItem {Table} keys=caller#*",
            // A schedule's firing: the schedule's conditional write, and its run's task.
            $"dynamodb:PutItem,dynamodb:GetItem {Table} keys=schedule#*",
            $"scheduler:CreateSchedule,scheduler:GetSchedule {Schedules}",
            $"iam:PassRole {Role} to=scheduler.amazonaws.com",
            $"sqs:SendMessage {Delivery}",
            // The system dead-letter queue is the forwarder's OnFailure destination: SAM grants that itself.
            $"sqs:SendMessage {FailedDeliveries}",
            $"ssm:GetParameter {Secret}",
            Decrypt,
        ],
        ["SweeperFunction"] =
        [
            $"dynamodb:Query {Indexes}",
            $"dynamodb:UpdateItem,dynamodb:BatchGetItem {Table} keys=task#*",
            $"dynamodb:PutItem,dynamodb:GetItem {Table} keys=sweep#*",
            $"dynamodb:GetItem {Table} keys=schedule#*",
            $"scheduler:CreateSchedule,scheduler:GetSchedule {Schedules}",
            $"iam:PassRole {Role} to=scheduler.amazonaws.com",
            $"sqs:SendMessage {Delivery}",
        ],
        ["CreateScheduleFunction"] =
        [
            $"dynamodb:PutItem,dynamodb:GetItem,dynamodb:DeleteItem {Table} keys=schedule#*,idem#*",
            $"dynamodb:GetItem {Table} keys=task#*",
            $"scheduler:CreateSchedule,scheduler:GetSchedule {Schedules}",
            $"iam:PassRole {Role} to=scheduler.amazonaws.com",
            $"sqs:SendMessage {Delivery}",
        ],
        ["GetScheduleFunction"] = [$"dynamodb:GetItem {Table} keys=schedule#*,task#*"],
        ["ListSchedulesFunction"] = [$"dynamodb:Query {Indexes}", $"dynamodb:BatchGetItem {Table} keys=schedule#*", $"dynamodb:GetItem {Table} keys=task#*"],
        ["UpdateScheduleFunction"] =
        [
            $"dynamodb:PutItem,dynamodb:GetItem {Table} keys=schedule#*",
            $"dynamodb:GetItem {Table} keys=task#*",
            $"scheduler:CreateSchedule,scheduler:GetSchedule,scheduler:DeleteSchedule {Schedules}",
            $"iam:PassRole {Role} to=scheduler.amazonaws.com",
            $"sqs:SendMessage {Delivery}",
        ],
        ["DeleteScheduleFunction"] = [$"dynamodb:GetItem,dynamodb:DeleteItem {Table} keys=schedule#*", $"dynamodb:DeleteItem {Table} keys=idem#*", $"scheduler:DeleteSchedule {Schedules}"],
        ["ListScheduleRunsFunction"] = [$"dynamodb:GetItem {Table} keys=schedule#*", $"dynamodb:Query {Indexes}", $"dynamodb:BatchGetItem {Table} keys=task#*"],
        ["RunScheduleFunction"] =
        [
            $"dynamodb:PutItem,dynamodb:GetItem {Table} keys=schedule#*,task#*",
            $"scheduler:CreateSchedule,scheduler:GetSchedule {Schedules}",
            $"iam:PassRole {Role} to=scheduler.amazonaws.com",
            $"sqs:SendMessage {Delivery}",
        ],
        ["PreviewScheduleFunction"] = [],
        ["RetryTaskFunction"] =
        [
            $"dynamodb:GetItem,dynamodb:UpdateItem {Table} keys=task#*",
            $"scheduler:CreateSchedule,scheduler:GetSchedule {Schedules}",
            $"iam:PassRole {Role} to=scheduler.amazonaws.com",
            $"sqs:SendMessage {Delivery}",
        ],
        ["ListDeadLettersFunction"] =
        [
            $"dynamodb:Query {Indexes}",
            $"dynamodb:BatchGetItem {Table} keys=task#*",
            $"sqs:GetQueueAttributes,sqs:ReceiveMessage {SystemDeadLetters}",
        ],
        ["RedriveDeadLettersFunction"] =
        [
            $"dynamodb:Query {Indexes}",
            $"dynamodb:UpdateItem,dynamodb:BatchGetItem {Table} keys=task#*",
            $"scheduler:CreateSchedule,scheduler:GetSchedule {Schedules}",
            $"iam:PassRole {Role} to=scheduler.amazonaws.com",
            $"sqs:SendMessage {Delivery}",
            $"sqs:GetQueueAttributes,sqs:ReceiveMessage,sqs:DeleteMessage {SystemDeadLetters}",
        ],
        ["TaskCallbackFunction"] = [$"dynamodb:PutItem {Table} keys=callback#*", $"ssm:GetParameter {Secret}", Decrypt],
        ["PaymentReminderFunction"] = [$"dynamodb:PutItem {Table} keys=callback#*", $"ssm:GetParameter {Secret}", Decrypt],
        ["WelcomeEmailFunction"] = [$"dynamodb:PutItem {Table} keys=callback#*", $"ssm:GetParameter {Secret}", Decrypt],
        ["CleanupTempFilesFunction"] = [$"dynamodb:PutItem {Table} keys=callback#*", $"ssm:GetParameter {Secret}", Decrypt],
    };

    private static IEnumerable<string> Statements(JsonElement function)
    {
        if (!function.GetProperty("Properties").TryGetProperty("Policies", out var policies))
        {
            yield break;
        }

        foreach (var entry in policies[0].GetProperty("Statement").EnumerateArray())
        {
            if (entry.TryGetProperty("Fn::If", out var conditional))
            {
                // Only the customer-managed key's decrypt is conditional: listed as "kms:Decrypt if SecretsKmsKeyArn".
                Assert.Equal("UseSecretsKmsKey", conditional[0].GetString());
                Assert.Equal("AWS::NoValue", conditional[2].GetProperty("Ref").GetString());
                var decrypt = conditional[1];
                Assert.Equal("ssm.${AWS::Region}.amazonaws.com", decrypt.GetProperty("Condition").GetProperty("StringEquals").GetProperty("kms:ViaService").GetProperty("Fn::Sub").GetString());
                yield return $"{string.Join(",", decrypt.GetProperty("Action").EnumerateArray().Select(a => a.GetString()))} if {decrypt.GetProperty("Resource")[0].GetProperty("Ref").GetString()}";
                continue;
            }

            var statement = entry;
            Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
            var actions = string.Join(",", statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
            foreach (var resource in statement.GetProperty("Resource").EnumerateArray())
            {
                var text = resource.ValueKind == JsonValueKind.String ? resource.GetString() : resource.GetProperty("Fn::Sub").GetString();
                var keys = !statement.TryGetProperty("Condition", out var condition) ? string.Empty
                    : condition.TryGetProperty("StringEquals", out var equals) ? " to=" + equals.GetProperty("iam:PassedToService").GetString()
                    : " keys=" + string.Join(",", condition.GetProperty("ForAllValues:StringLike").GetProperty("dynamodb:LeadingKeys").EnumerateArray().Select(k => k.GetString()));
                yield return $"{actions} {text}{keys}";
            }
        }
    }

    [Fact]
    public void EveryFunction_IsGrantedExactlyItsStatements()
    {
        using var template = JsonDocument.Parse(TemplateBuilder.Render(FunctionCatalog.All));
        var resources = template.RootElement.GetProperty("Resources");

        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), FunctionCatalog.All.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var (function, statements) in Expected)
        {
            Assert.Equal(statements.Order(StringComparer.Ordinal), Statements(resources.GetProperty(function)).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void NoStatement_UsesAWildcardAction_OrTouchesTableItemsWithoutAKeyPrefix()
    {
        foreach (var function in FunctionCatalog.All)
        {
            foreach (var policy in function.Policies)
            {
                Assert.DoesNotContain(policy.Actions, a => a.Contains('*', StringComparison.Ordinal));
                if (policy.Actions.Any(a => a is "dynamodb:GetItem" or "dynamodb:PutItem" or "dynamodb:UpdateItem" or "dynamodb:DeleteItem"))
                {
                    Assert.NotEmpty(policy.LeadingKeys ?? []);
                }
            }
        }
    }

    [Fact]
    public void TheSchedulerRole_IsAssumedOnlyForThisAccountsSchedulesInThisStacksGroup()
    {
        using var template = JsonDocument.Parse(TemplateBuilder.Render(FunctionCatalog.All));
        var trust = Assert.Single(template.RootElement.GetProperty("Resources").GetProperty(SharedResources.SchedulerRole).GetProperty("Properties")
            .GetProperty("AssumeRolePolicyDocument").GetProperty("Statement").EnumerateArray());

        Assert.Equal("scheduler.amazonaws.com", trust.GetProperty("Principal").GetProperty("Service").GetString());
        Assert.Equal("AWS::AccountId", trust.GetProperty("Condition").GetProperty("StringEquals").GetProperty("aws:SourceAccount").GetProperty("Ref").GetString());
        Assert.Equal(
            "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${" + SharedResources.ScheduleGroup + "}/*",
            trust.GetProperty("Condition").GetProperty("ArnLike").GetProperty("aws:SourceArn").GetProperty("Fn::Sub").GetString());
    }

    [Fact]
    public void OnlyTheAuthorizer_CanReadTheTokenAndTheKeys()
    {
        Assert.Single(FunctionCatalog.All, f => f.IsAuthorizer);
        foreach (var function in FunctionCatalog.All)
        {
            var readsToken = function.Policies.Any(p => p.Resources.Contains(Token));
            var readsKeys = function.Policies.Any(p => p.LeadingKeys?.Contains("apikey#*") == true && p.Actions.Contains("dynamodb:GetItem"));
            Assert.True(readsToken == function.IsAuthorizer, function.Name);
            Assert.True(readsKeys == function.IsAuthorizer, function.Name);
            Assert.Equal(function.IsAuthorizer, function.Environment.Any(e => e.Name == SettingNames.ApiTokenParameter));
        }
    }

    [Fact]
    public void EveryEnvironmentVariable_IsSetOnce()
    {
        foreach (var function in FunctionCatalog.All)
        {
            var all = function.Bindings.SelectMany(b => b.Environment).GroupBy(e => e.Name, StringComparer.Ordinal);
            Assert.All(all, group => Assert.Single(group.Select(e => e.Value).Distinct(StringComparer.Ordinal)));
        }
    }
}
