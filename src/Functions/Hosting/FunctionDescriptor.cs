using Functions.Hosting.Annotations;
using Microsoft.Extensions.DependencyInjection;

namespace Functions.Hosting;

/// <summary>The entry point every function has: the raw event in, the raw result out.</summary>
public delegate Task<Stream> FunctionEntryPoint(Stream @event, InvocationContext context);

/// <summary>
/// Everything known about one function, from its handler's attributes: what the template declares and how
/// the process builds its entry point. Instances exist only in the source-generated <see cref="FunctionCatalog"/>.
/// </summary>
public sealed record FunctionDescriptor(
    string Name,
    string Handler,
    string? Description,
    string? FunctionName,
    string? ReservedConcurrency,
    int MemorySize,
    int Timeout,
    Http.HttpRoute? Route,
    IReadOnlyList<ResourceBindingAttribute> Bindings,
    QueueEventSource? Queue,
    string? RecurringSchedule,
    AsyncInvocationSettings? AsyncInvocation,
    Action<IServiceCollection> Register,
    Func<IServiceProvider, FunctionDescriptor, FunctionEntryPoint> Create)
{
    /// <summary>The function's IAM statements: every binding's, in the order they are written (class first).</summary>
    public IReadOnlyList<PolicyStatement> Policies => [.. Bindings.SelectMany(b => b.Policies)];

    /// <summary>The function's environment variables: every binding's, each name once (the first binding's value).</summary>
    public IReadOnlyList<EnvironmentSetting> Environment => [.. Bindings.SelectMany(b => b.Environment).DistinctBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>Requests to its route must carry the API token (<see cref="RequiresApiTokenAttribute"/>).</summary>
    public bool RequiresApiToken => Bindings.Any(b => b is RequiresApiTokenAttribute);

    /// <summary>Only admin callers may use its route (<see cref="RequiresApiTokenAttribute.AdminOnly"/>).</summary>
    public bool AdminOnly => Bindings.Any(b => b is RequiresApiTokenAttribute { AdminOnly: true });

    /// <summary>It is the HTTP API's authorizer (<see cref="AuthorizesHttpApiAttribute"/>).</summary>
    public bool IsAuthorizer => Bindings.Any(b => b is AuthorizesHttpApiAttribute);
}
