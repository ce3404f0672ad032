namespace Functions.Hosting.Annotations;

/// <summary>How Lambda retries the function's asynchronous invocations, and where it parks those it gives up.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AsyncInvocationAttribute : Attribute
{
    public int MaximumRetryAttempts { get; set; } = 2;

    public int MaximumEventAgeInSeconds { get; set; } = 21600;

    /// <summary>Logical id of the SQS queue that receives invocations given up.</summary>
    public string? OnFailureQueue { get; set; }
}
