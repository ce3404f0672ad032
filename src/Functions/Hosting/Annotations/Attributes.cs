namespace Functions.Hosting.Annotations;

// The project's own function annotations. Functions.Generators reads them at compile time and emits
// FunctionCatalog; Functions.Template turns that catalog into serverless.template. Nothing reads them
// through reflection at run time.

/// <summary>
/// Marks a method as the handler of one Lambda function. The method is either an HTTP API handler
/// (<c>(HttpApiRequest, InvocationContext) -> HttpApiResponse | Task&lt;…&gt; | ValueTask&lt;…&gt;</c>, with
/// <see cref="HttpApiAttribute"/>) or a raw handler (<c>(Stream, InvocationContext) -> Stream | Task&lt;Stream&gt;</c>).
/// Its declaring class is a singleton for the life of the execution environment.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class LambdaFunctionAttribute(string resourceName) : Attribute
{
    /// <summary>The function's logical id in serverless.template and the value of FUNCTION_HANDLER.</summary>
    public string ResourceName { get; } = resourceName;

    /// <summary>MemorySize in MB (128-10240). Lambda gives CPU in proportion to memory.</summary>
    public int MemorySize { get; set; } = 512;

    /// <summary>Timeout in seconds (1-900).</summary>
    public int Timeout { get; set; } = 15;

    public string? Description { get; set; }

    /// <summary>An explicit FunctionName (an Fn::Sub string), for a function whose ARN must be known before it
    /// exists (e.g. by itself); otherwise CloudFormation names it.</summary>
    public string? FunctionName { get; set; }
}

/// <summary>An API Gateway HTTP API route (payload format 2.0) that invokes the function.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class HttpApiAttribute(string method, string path) : Attribute
{
    /// <summary>GET, POST, PUT, PATCH or DELETE.</summary>
    public string Method { get; } = method;

    /// <summary>Route path; <c>{name}</c> matches one segment.</summary>
    public string Path { get; } = path;
}

/// <summary>
/// One least-privilege IAM statement of the function's role. Resources are CloudFormation
/// <c>Fn::Sub</c> strings, e.g. <c>"${TasksTable.Arn}"</c>. Actions never use <c>*</c>. On a class, it applies
/// to every function the class declares.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AllowAttribute(string[] actions, params string[] resources) : Attribute
{
    public IReadOnlyList<string> Actions { get; } = actions;

    public IReadOnlyList<string> Resources { get; } = resources;

    /// <summary>For DynamoDB item actions: the partition-key patterns the function may touch (dynamodb:LeadingKeys).</summary>
    public string[]? LeadingKeys { get; set; }
}

/// <summary>An SQS queue (its logical id in the template) whose messages invoke the function in batches,
/// with partial batch failure reporting.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SqsEventAttribute(string queue) : Attribute
{
    public string Queue { get; } = queue;

    public int BatchSize { get; set; } = 10;
}

/// <summary>A recurring EventBridge Scheduler schedule (e.g. <c>rate(5 minutes)</c>) that invokes the function.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RecurringScheduleAttribute(string expression) : Attribute
{
    public string Expression { get; } = expression;
}

/// <summary>How Lambda retries the function's asynchronous invocations, and where it parks those it gives up.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AsyncInvocationAttribute : Attribute
{
    public int MaximumRetryAttempts { get; set; } = 2;

    public int MaximumEventAgeInSeconds { get; set; } = 21600;

    /// <summary>Logical id of the SQS queue that receives invocations given up.</summary>
    public string? OnFailureQueue { get; set; }
}

/// <summary>An environment variable of the function; the value is a CloudFormation <c>Fn::Sub</c> string.
/// On a class, it applies to every function the class declares.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FunctionEnvironmentAttribute(string name, string value) : Attribute
{
    public string Name { get; } = name;

    public string Value { get; } = value;
}
