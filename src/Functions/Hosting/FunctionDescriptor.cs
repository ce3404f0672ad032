using Microsoft.Extensions.DependencyInjection;

namespace Functions.Hosting;

/// <summary>The entry point every function has: the raw event in, the raw result out.</summary>
public delegate Task<Stream> FunctionEntryPoint(Stream @event, InvocationContext context);

/// <summary>One IAM statement of a function's role (CloudFormation Fn::Sub strings as resources).</summary>
public sealed record PolicyStatement(IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, IReadOnlyList<string>? LeadingKeys = null);

/// <summary>An SQS event source of a function.</summary>
public sealed record QueueEventSource(string Queue, int BatchSize);

/// <summary>A function's asynchronous invocation settings.</summary>
public sealed record AsyncInvocationSettings(int MaximumRetryAttempts, int MaximumEventAgeInSeconds, string? OnFailureQueue);

/// <summary>One environment variable a function's template resource sets (value: an Fn::Sub string).</summary>
public sealed record EnvironmentSetting(string Name, string Value);

/// <summary>
/// Everything known about one function, from its handler's attributes: what the template declares and how
/// the process builds its entry point. Instances exist only in the source-generated <see cref="FunctionCatalog"/>.
/// </summary>
public sealed record FunctionDescriptor(
    string Name,
    string Handler,
    string? Description,
    string? FunctionName,
    int MemorySize,
    int Timeout,
    Http.HttpRoute? Route,
    IReadOnlyList<PolicyStatement> Policies,
    IReadOnlyList<EnvironmentSetting> Environment,
    QueueEventSource? Queue,
    string? RecurringSchedule,
    AsyncInvocationSettings? AsyncInvocation,
    Action<IServiceCollection> Register,
    Func<IServiceProvider, FunctionEntryPoint> Create);

public static partial class FunctionCatalog
{
    /// <summary>The function whose <see cref="FunctionDescriptor.Name"/> is <paramref name="name"/>, or null.</summary>
    public static FunctionDescriptor? Find(string name)
    {
        foreach (var function in All)
        {
            if (string.Equals(function.Name, name, StringComparison.Ordinal))
            {
                return function;
            }
        }

        return null;
    }
}
