namespace Functions.Hosting.Annotations;

/// <summary>An SQS queue (its logical id in the template) whose messages invoke the function in batches,
/// with partial batch failure reporting.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SqsEventAttribute(string queue) : Attribute
{
    public string Queue { get; } = queue;

    public int BatchSize { get; set; } = 10;

    /// <summary>A template parameter (its logical id) capping how many invocations the queue drives at once (ScalingConfig).</summary>
    public string? MaximumConcurrency { get; set; }
}
