using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;
using Functions.Hosting.Annotations;
using Functions.TaskStore;
using static Functions.Template.TemplateBuilder;

namespace Functions.Template;

/// <summary>
/// The resources every function shares, kept here in one place (the choice the README documents): the HTTP
/// API, the tasks table (from <see cref="TaskTableSchema"/>), the schedule group, the dead-letter queue and its
/// alarm, the parameters and the outputs, under the logical ids <see cref="StackReferences"/> names (the ones the
/// functions' resource bindings refer to). Function resources come from the catalog, never from here.
/// </summary>
public static class SharedResources
{
    public const string HttpApi = StackReferences.HttpApi;
    public const string TasksTable = StackReferences.TasksTable;
    public const string ScheduleGroup = StackReferences.ScheduleGroup;
    public const string DeadLetterQueue = StackReferences.DeadLetterQueue;
    public const string DeliveryQueue = StackReferences.DeliveryQueue;
    public const string FailedDeliveriesQueue = StackReferences.FailedDeliveriesQueue;
    public const string SchedulerRole = StackReferences.SchedulerRole;
    public const string LogRetentionParameter = StackReferences.LogRetentionDays;
    public const string AlarmEmailParameter = "AlarmEmail";
    public const string AlarmTopicArnParameter = "AlarmTopicArn";
    public const string AlarmTopic = "AlarmTopic";
    public const string Authorizer = "ApiKeyAuthorizer";
    public const string AuthorizerCacheParameter = "AuthorizerCacheSeconds";
    public const string ThrottlingRateParameter = "ApiThrottlingRateLimit";
    public const string ThrottlingBurstParameter = "ApiThrottlingBurstLimit";
    public const string FailedDeliveriesAlarmParameter = "FailedDeliveriesAlarmThreshold";
    public const string TracingParameter = "TracingMode";
    public const string SecretsKeyParameter = "SecretsKmsKeyArn";
    private const string UseSecretsKey = "UseSecretsKmsKey";
    private const string MinutePrecision = "MinutePrecision";
    private const string CreateAlarmTopic = "CreateAlarmTopic";
    private const string SubscribeAlarmEmail = "SubscribeAlarmEmail";

    /// <summary>The stack's conditions: whether it creates the alarm topic, and whether it mails an address.</summary>
    public static JsonObject Conditions() => new()
    {
        [CreateAlarmTopic] = new JsonObject { ["Fn::Equals"] = new JsonArray(Ref(AlarmTopicArnParameter), "") },
        [UseSecretsKey] = new JsonObject { ["Fn::Not"] = new JsonArray(new JsonObject { ["Fn::Equals"] = new JsonArray(Ref(SecretsKeyParameter), "") }) },
        [MinutePrecision] = new JsonObject { ["Fn::Equals"] = new JsonArray(Ref(StackReferences.DeliveryPrecision), "minute") },
        [SubscribeAlarmEmail] = new JsonObject
        {
            ["Fn::And"] = new JsonArray(
                new JsonObject { ["Condition"] = CreateAlarmTopic },
                new JsonObject { ["Fn::Not"] = new JsonArray(new JsonObject { ["Fn::Equals"] = new JsonArray(Ref(AlarmEmailParameter), "") }) }),
        },
    };

    /// <summary>Where every alarm goes: the topic given as a parameter, or the one the stack creates.</summary>
    public static JsonArray AlarmActions() =>
        new(new JsonObject { ["Fn::If"] = new JsonArray(CreateAlarmTopic, Ref(AlarmTopic), Ref(AlarmTopicArnParameter)) });

    /// <summary>
    /// An alarm on one metric that notifies <see cref="AlarmActions"/> when it breaches and when it recovers; a
    /// percentile statistic (p99) is an ExtendedStatistic. It breaches when <paramref name="breaching"/> of the last
    /// <paramref name="evaluationPeriods"/> periods reach the threshold.
    /// </summary>
    public static JsonObject Alarm(string description, string metricNamespace, string metric, JsonArray dimensions, string statistic, JsonNode threshold, int period = 300, int evaluationPeriods = 1, int breaching = 1)
    {
        var properties = new JsonObject
        {
            ["AlarmDescription"] = description,
            ["Namespace"] = metricNamespace,
            ["MetricName"] = metric,
            ["Dimensions"] = dimensions,
            [statistic.StartsWith('p') ? "ExtendedStatistic" : "Statistic"] = statistic,
            ["Period"] = period,
            ["EvaluationPeriods"] = evaluationPeriods,
            ["DatapointsToAlarm"] = breaching,
            ["Threshold"] = threshold,
            ["ComparisonOperator"] = "GreaterThanOrEqualToThreshold",
            ["TreatMissingData"] = "notBreaching",
            ["AlarmActions"] = AlarmActions(),
            ["OKActions"] = AlarmActions(),
        };
        return new JsonObject { ["Type"] = "AWS::CloudWatch::Alarm", ["Properties"] = properties };
    }

    private static JsonArray Dimension(string name, JsonNode value) => new(new JsonObject { ["Name"] = name, ["Value"] = value });

    /// <summary>The product's metrics carry the stack's name as Service (POWERTOOLS_SERVICE_NAME in Globals).</summary>
    private static JsonArray ServiceDimension() => Dimension(Functions.Hosting.Logging.MetricsLog.ServiceDimension, Ref("AWS::StackName"));

    private const string ForwarderFunction = "ForwarderFunction";

    /// <summary>kms:Decrypt on the SecretsKmsKeyArn key, via SSM only, when that parameter is given; nothing otherwise.</summary>
    public static JsonObject SecretsKeyDecrypt() => new()
    {
        ["Fn::If"] = new JsonArray(
            UseSecretsKey,
            new JsonObject
            {
                ["Effect"] = "Allow",
                ["Action"] = new JsonArray("kms:Decrypt"),
                ["Resource"] = new JsonArray(Ref(SecretsKeyParameter)),
                ["Condition"] = new JsonObject { ["StringEquals"] = new JsonObject { ["kms:ViaService"] = Sub("ssm.${AWS::Region}.amazonaws.com") } },
            },
            Ref("AWS::NoValue")),
    };

    /// <summary>A queue where messages are parked for people to look at: kept 14 days (SQS's most), encrypted, retained.</summary>
    private static JsonObject ParkingQueue() => new()
    {
        ["Type"] = "AWS::SQS::Queue",
        ["DeletionPolicy"] = "Retain",
        ["UpdateReplacePolicy"] = "Retain",
        ["Properties"] = new JsonObject
        {
            ["MessageRetentionPeriod"] = 1209600,
            ["SqsManagedSseEnabled"] = true,
        },
    };

    /// <summary>A Number parameter with its bounds (no upper one when null) and default.</summary>
    private static JsonObject NumberParameter(string description, int min, int? max, int defaultValue)
    {
        var parameter = new JsonObject { ["Type"] = "Number", ["Description"] = description, ["MinValue"] = min };
        if (max is { } upper)
        {
            parameter["MaxValue"] = upper;
        }

        parameter["Default"] = defaultValue;
        return parameter;
    }

    public static JsonObject Parameters() => new()
    {
        [StackReferences.ApiTokenParameterName] = new JsonObject
        {
            ["Type"] = "String",
            ["Description"] = "Name of the SSM SecureString holding the API's bearer token (create it before deploying).",
            ["AllowedPattern"] = "^/[a-zA-Z0-9_.\\-/]+$",
            ["Default"] = "/delayed-http-tasks/api-token",
        },
        [StackReferences.SigningSecretParameterName] = new JsonObject
        {
            ["Type"] = "String",
            ["Description"] = "Name of the SSM SecureString holding the webhook signing keys: whsec_<base64>, space-separated, newest first.",
            ["AllowedPattern"] = "^/[a-zA-Z0-9_.\\-/]+$",
            ["Default"] = "/delayed-http-tasks/webhook-signing-secret",
        },
        [StackReferences.TaskRetentionDays] = NumberParameter("Days a finished task (and an idempotency key) is kept before DynamoDB's TTL removes it.", 1, 3650, 30),
        [StackReferences.DeliveryPrecision] = new JsonObject
        {
            ["Type"] = "String",
            ["Description"] = "second: deliveries land within about a second of run_at (SQS delay for the last stretch); minute: EventBridge Scheduler alone (within the minute).",
            ["AllowedValues"] = new JsonArray("second", "minute"),
            ["Default"] = "second",
        },
        [StackReferences.ForwarderConcurrency] = NumberParameter("The forwarder's reserved concurrency: its cap, so deliveries never take the concurrency the API needs, and kept for it. Deliveries a second ~ this / seconds per delivery (docs/capacity.md).", 1, 10000, 100),
        [StackReferences.DeliveryQueueConcurrency] = NumberParameter("How many forwarders the delivery queue drives at once (SQS ScalingConfig, 2-1000); keep it below ForwarderConcurrency so schedule-driven deliveries keep room.", 2, 1000, 80),
        [AlarmEmailParameter] = new JsonObject
        {
            ["Type"] = "String",
            ["Description"] = "An address the alarm topic mails (it must confirm the subscription); empty for none.",
            ["AllowedPattern"] = "^$|^[^@\\s]+@[^@\\s]+$",
            ["Default"] = "",
        },
        [AlarmTopicArnParameter] = new JsonObject
        {
            ["Type"] = "String",
            ["Description"] = "An existing SNS topic every alarm notifies instead of the one the stack creates; empty to create one.",
            ["AllowedPattern"] = "^$|^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$",
            ["Default"] = "",
        },
        [FailedDeliveriesAlarmParameter] = NumberParameter("Tasks ending failed within 5 minutes that raise the failed-deliveries alarm (targets refusing or down).", 1, null, 10),
        [AuthorizerCacheParameter] = NumberParameter("Seconds API Gateway keeps an authorizer's answer for one Authorization header (0-300): fewer authorizer invocations, but a revoked key keeps working up to this long.", 0, 300, 300),
        [ThrottlingRateParameter] = NumberParameter("Requests a second the API's stage accepts on every route (steady rate); more get 429 from API Gateway.", 1, 10000, 1000),
        [ThrottlingBurstParameter] = NumberParameter("Requests the API's stage accepts at once above the rate (token bucket size).", 1, 5000, 2000),
        [TracingParameter] = new JsonObject
        {
            ["Type"] = "String",
            ["Description"] = "X-Ray tracing of the functions: Active (Lambda samples the first request a second and 5% of the rest; about $5 a million traces, docs/cost.md) or PassThrough (only requests that arrive traced).",
            ["AllowedValues"] = new JsonArray("Active", "PassThrough"),
            ["Default"] = "Active",
        },
        [SecretsKeyParameter] = new JsonObject
        {
            ["Type"] = "String",
            ["Description"] = "The customer-managed KMS key the two SSM SecureStrings are encrypted with, if not the AWS-managed aws/ssm key: its readers then get kms:Decrypt on it (through SSM only). Empty for aws/ssm.",
            ["AllowedPattern"] = "^$|^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$",
            ["Default"] = "",
        },
        [LogRetentionParameter] = new JsonObject
        {
            ["Type"] = "Number",
            ["Description"] = "Days the functions' CloudWatch logs and the API access log are kept.",
            ["AllowedValues"] = new JsonArray(1, 3, 5, 7, 14, 30, 60, 90, 180, 365),
            ["Default"] = 30,
        },
    };

    /// <summary>
    /// The API's Lambda REQUEST authorizer (payload 2.0, simple responses, identity the Authorization header, answers
    /// cached per header value), the default of every route: a public route says <c>Authorizer: NONE</c>.
    /// </summary>
    public static JsonObject HttpApiAuth(string authorizerFunction) => new()
    {
        ["Authorizers"] = new JsonObject
        {
            [Authorizer] = new JsonObject
            {
                ["FunctionArn"] = GetAtt(authorizerFunction, "Arn"),
                ["AuthorizerPayloadFormatVersion"] = "2.0",
                ["EnableSimpleResponses"] = true,
                // API Gateway may invoke it: SAM adds the Lambda permission.
                ["EnableFunctionDefaultPermissions"] = true,
                ["Identity"] = new JsonObject
                {
                    ["Headers"] = new JsonArray("Authorization"),
                    ["ReauthorizeEvery"] = Ref(AuthorizerCacheParameter),
                },
            },
        },
        ["DefaultAuthorizer"] = Authorizer,
    };

    public static JsonObject Resources() => new()
    {
        ["HttpApiAccessLogs"] = new JsonObject
        {
            ["Type"] = "AWS::Logs::LogGroup",
            ["DeletionPolicy"] = "Delete",
            ["UpdateReplacePolicy"] = "Delete",
            ["Properties"] = new JsonObject { ["RetentionInDays"] = Ref(LogRetentionParameter) },
        },
        [HttpApi] = new JsonObject
        {
            ["Type"] = "AWS::Serverless::HttpApi",
            ["Properties"] = new JsonObject
            {
                ["Description"] = "Schedule, inspect, list and cancel delayed HTTP calls; receive their deliveries.",
                ["DefaultRouteSettings"] = new JsonObject
                {
                    ["ThrottlingRateLimit"] = Ref(ThrottlingRateParameter),
                    ["ThrottlingBurstLimit"] = Ref(ThrottlingBurstParameter),
                },
                ["AccessLogSettings"] = new JsonObject
                {
                    ["DestinationArn"] = GetAtt("HttpApiAccessLogs", "Arn"),
                    ["Format"] = """{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","routeKey":"$context.routeKey","status":"$context.status","responseLength":"$context.responseLength","latencyMs":"$context.responseLatency","integrationError":"$context.integrationErrorMessage"}""",
                },
            },
        },
        [TasksTable] = TableResource(TaskTableSchema.CreateTableRequest("unused")),
        // No Name: CloudFormation makes one that fits the 64-character limit whatever the stack's name.
        [ScheduleGroup] = new JsonObject
        {
            ["Type"] = "AWS::Scheduler::ScheduleGroup",
            ["Properties"] = new JsonObject(),
        },
        // Both queues hold state (parked failures, wake-ups in flight): kept when the stack is deleted or a change
        // would replace them, as the tasks table is.
        [DeadLetterQueue] = ParkingQueue(),
        // The callers' failed deliveries: every task that ended failed, kept 14 days. Not an alarm of the system's
        // (a caller's 4xx is not the operator's fault): FailedDeliveriesAlarm watches their rate instead.
        [FailedDeliveriesQueue] = ParkingQueue(),
        // The last stretch of every wait: per-message DelaySeconds (0-900) gives second precision. A message
        // whose processing keeps failing moves to the dead-letter queue after five receives.
        [DeliveryQueue] = new JsonObject
        {
            ["Type"] = "AWS::SQS::Queue",
            ["DeletionPolicy"] = "Retain",
            ["UpdateReplacePolicy"] = "Retain",
            ["Properties"] = new JsonObject
            {
                // Six times the forwarder's timeout, as Lambda's SQS event source mapping advises.
                ["VisibilityTimeout"] = 540,
                ["MessageRetentionPeriod"] = 345600,
                ["SqsManagedSseEnabled"] = true,
                ["RedrivePolicy"] = new JsonObject { ["deadLetterTargetArn"] = GetAtt(DeadLetterQueue, "Arn"), ["maxReceiveCount"] = 5 },
            },
        },
        // Assumed by EventBridge Scheduler to invoke the forwarder, and to park what it cannot deliver.
        [SchedulerRole] = new JsonObject
        {
            ["Type"] = "AWS::IAM::Role",
            ["Properties"] = new JsonObject
            {
                ["AssumeRolePolicyDocument"] = new JsonObject
                {
                    ["Version"] = "2012-10-17",
                    ["Statement"] = new JsonArray(new JsonObject
                    {
                        ["Effect"] = "Allow",
                        ["Principal"] = new JsonObject { ["Service"] = "scheduler.amazonaws.com" },
                        ["Action"] = "sts:AssumeRole",
                        // Only this account's schedules in this stack's group (confused deputy): not another account's,
                        // not another group's.
                        ["Condition"] = new JsonObject
                        {
                            ["StringEquals"] = new JsonObject { ["aws:SourceAccount"] = Ref("AWS::AccountId") },
                            ["ArnLike"] = new JsonObject { ["aws:SourceArn"] = Sub("arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${" + ScheduleGroup + "}/*") },
                        },
                    }),
                },
                ["Policies"] = new JsonArray(new JsonObject
                {
                    ["PolicyName"] = "InvokeForwarder",
                    ["PolicyDocument"] = new JsonObject
                    {
                        ["Version"] = "2012-10-17",
                        ["Statement"] = new JsonArray(
                            // By name, not GetAtt: the forwarder's role may pass this role, so a reference back would be a cycle.
                            new JsonObject { ["Effect"] = "Allow", ["Action"] = "lambda:InvokeFunction", ["Resource"] = Sub(StackReferences.ForwarderArn) },
                            new JsonObject { ["Effect"] = "Allow", ["Action"] = "sqs:SendMessage", ["Resource"] = GetAtt(DeadLetterQueue, "Arn") }),
                    },
                }),
            },
        },
        [AlarmTopic] = new JsonObject
        {
            ["Type"] = "AWS::SNS::Topic",
            ["Condition"] = CreateAlarmTopic,
            // Not encrypted with the AWS-managed SNS key: CloudWatch alarms cannot publish to a topic under it.
            ["Properties"] = new JsonObject(),
        },
        ["AlarmEmailSubscription"] = new JsonObject
        {
            ["Type"] = "AWS::SNS::Subscription",
            ["Condition"] = SubscribeAlarmEmail,
            ["Properties"] = new JsonObject { ["TopicArn"] = Ref(AlarmTopic), ["Protocol"] = "email", ["Endpoint"] = Ref(AlarmEmailParameter) },
        },
        ["DeadLetterQueueAlarm"] = Alarm(
            "The platform could not hand something to our code (a forwarder invocation failed after Lambda's retries, Scheduler could not invoke it, a wake-up failed five receives): our fault, see the system dead-letter queue.",
            "AWS/SQS", "ApproximateNumberOfMessagesVisible", Dimension("QueueName", GetAtt(DeadLetterQueue, "QueueName")), "Maximum", 1),
        // A wake-up waits at most 15 minutes on the queue (its delay): older than 20 is a wake-up running late.
        ["DeliveryQueueAgeAlarm"] = Alarm(
            "A wake-up has waited on the delivery queue more than 20 minutes: deliveries are running late.",
            "AWS/SQS", "ApproximateAgeOfOldestMessage", Dimension("QueueName", GetAtt(DeliveryQueue, "QueueName")), "Maximum", 1200),
        ["SchedulerTargetErrorsAlarm"] = SchedulerAlarm("TargetErrorCount", "EventBridge Scheduler could not invoke the forwarder (it retries, then dead-letters)."),
        ["SchedulerThrottlesAlarm"] = SchedulerAlarm("InvocationThrottleCount", "EventBridge Scheduler's invocations of the forwarder were throttled (the account's Scheduler quota)."),
        ["SchedulerDroppedAlarm"] = SchedulerAlarm("InvocationDroppedCount", "EventBridge Scheduler dropped a wake-up after its retries, with no dead-letter queue to take it."),
        ["SchedulerDeadLetterFailedAlarm"] = SchedulerAlarm("InvocationsFailedToBeSentToDeadLetterCount", "EventBridge Scheduler could not park an undeliverable wake-up on the dead-letter queue: it is lost unless the sweeper finds its task."),
        ["TableWriteThrottlesAlarm"] = Alarm(
            "Writes to the tasks table were throttled.", "AWS/DynamoDB", "WriteThrottleEvents", Dimension("TableName", Ref(TasksTable)), "Sum", 1),
        ["TableReadThrottlesAlarm"] = Alarm(
            "Reads of the tasks table were throttled.", "AWS/DynamoDB", "ReadThrottleEvents", Dimension("TableName", Ref(TasksTable)), "Sum", 1),
        // The product's promise: p99 lateness over 5 minutes, two periods out of three (one cold start is not late).
        // Second precision calls within about a second of run_at; minute precision within the minute.
        ["LateDeliveriesAlarm"] = Alarm(
            "Deliveries are running late: the p99 of call time minus run_at is over 5 s (second precision) or 90 s (minute precision).",
            Functions.Hosting.Logging.MetricsLog.Namespace, Functions.Metrics.EmfTaskMetrics.DeliveryLatenessMs, ServiceDimension(), "p99",
            new JsonObject { ["Fn::If"] = new JsonArray(MinutePrecision, 90000, 5000) }, evaluationPeriods: 3, breaching: 2),
        ["FailedDeliveriesAlarm"] = Alarm(
            "Many tasks ended failed in 5 minutes (their targets refused them or stayed down): see the failed-deliveries queue.",
            Functions.Hosting.Logging.MetricsLog.Namespace, Functions.Metrics.EmfTaskMetrics.Deliveries,
            new JsonArray(
                new JsonObject { ["Name"] = Functions.Hosting.Logging.MetricsLog.ServiceDimension, ["Value"] = Ref("AWS::StackName") },
                new JsonObject { ["Name"] = Functions.Metrics.EmfTaskMetrics.OutcomeDimension, ["Value"] = "failed" }),
            "Sum", Ref(FailedDeliveriesAlarmParameter)),
        [Dashboard.LogicalId] = Dashboard.Resource(ForwarderFunction),
        ["Api5xxAlarm"] = Alarm(
            "The HTTP API answered 5xx (a function failed or timed out).", "AWS/ApiGateway", "5xx", Dimension("ApiId", Ref(HttpApi)), "Sum", 1),
    };

    private static JsonObject SchedulerAlarm(string metric, string description) =>
        Alarm(description, "AWS/Scheduler", metric, Dimension("ScheduleGroup", Ref(ScheduleGroup)), "Sum", 1);

    public static JsonObject Outputs() => new()
    {
        ["ApiUrl"] = new JsonObject
        {
            ["Description"] = "Base URL of the HTTP API.",
            ["Value"] = Sub("https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"),
        },
        ["TasksTableName"] = new JsonObject { ["Description"] = "The tasks table.", ["Value"] = Ref(TasksTable) },
        ["ScheduleGroupName"] = new JsonObject { ["Description"] = "The schedule group of pending deliveries.", ["Value"] = Ref(ScheduleGroup) },
        ["DeadLetterQueueUrl"] = new JsonObject { ["Description"] = "The system dead-letter queue: what the platform could not hand to the code (its alarm means our fault).", ["Value"] = Ref(DeadLetterQueue) },
        ["FailedDeliveriesQueueUrl"] = new JsonObject { ["Description"] = "Every task that ended failed, with its caller (the callers' to look at).", ["Value"] = Ref(FailedDeliveriesQueue) },
        ["DashboardUrl"] = new JsonObject
        {
            ["Description"] = "The operations dashboard.",
            ["Value"] = Sub("https://${AWS::Region}.console.${AWS::URLSuffix}/cloudwatch/home?region=${AWS::Region}#dashboards:name=${" + Dashboard.LogicalId + "}"),
        },
        ["SchedulerRoleArn"] = new JsonObject { ["Description"] = "The role EventBridge Scheduler assumes to invoke the forwarder.", ["Value"] = GetAtt(SchedulerRole, "Arn") },
        ["AlarmTopicArn"] = new JsonObject { ["Description"] = "The SNS topic every alarm notifies.", ["Value"] = AlarmActions()[0]!.DeepClone() },
    };

    /// <summary>The CloudFormation form of the table the SDK request describes, plus what only CloudFormation sets.</summary>
    private static JsonObject TableResource(CreateTableRequest table) => new()
    {
        ["Type"] = "AWS::DynamoDB::Table",
        // Tasks outlive a stack update that would replace the table, and a stack deletion.
        ["DeletionPolicy"] = "Retain",
        ["UpdateReplacePolicy"] = "Retain",
        ["Properties"] = new JsonObject
        {
            ["BillingMode"] = table.BillingMode.Value,
            ["AttributeDefinitions"] = new JsonArray([.. table.AttributeDefinitions.Select(a => (JsonNode)new JsonObject
            {
                ["AttributeName"] = a.AttributeName,
                ["AttributeType"] = a.AttributeType.Value,
            })]),
            ["KeySchema"] = KeySchema(table.KeySchema),
            ["GlobalSecondaryIndexes"] = new JsonArray([.. table.GlobalSecondaryIndexes.Select(index => (JsonNode)new JsonObject
            {
                ["IndexName"] = index.IndexName,
                ["KeySchema"] = KeySchema(index.KeySchema),
                ["Projection"] = index.Projection.NonKeyAttributes is { Count: > 0 } attributes
                    ? new JsonObject
                    {
                        ["ProjectionType"] = index.Projection.ProjectionType.Value,
                        ["NonKeyAttributes"] = new JsonArray([.. attributes.Select(a => (JsonNode)a)]),
                    }
                    : new JsonObject { ["ProjectionType"] = index.Projection.ProjectionType.Value },
            })]),
            ["TimeToLiveSpecification"] = new JsonObject { ["AttributeName"] = TaskTableSchema.ExpiresAt, ["Enabled"] = true },
            ["PointInTimeRecoverySpecification"] = new JsonObject { ["PointInTimeRecoveryEnabled"] = true },
            ["SSESpecification"] = new JsonObject { ["SSEEnabled"] = true },
        },
    };

    private static JsonArray KeySchema(List<KeySchemaElement> keys) =>
        new([.. keys.Select(k => (JsonNode)new JsonObject { ["AttributeName"] = k.AttributeName, ["KeyType"] = k.KeyType.Value })]);
}
