namespace Functions.Hosting.Annotations;

/// <summary>
/// What a function may touch, declared once: a binding names a resource of the stack and expands into both the
/// environment variables the function's code reads and the least-privilege IAM statements it needs. On a class, it
/// applies to every function the class declares. The generator copies each binding into the function's
/// descriptor as it is written (a constructor call, no reflection); the template and the tests read the expansion.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public abstract class ResourceBindingAttribute : Attribute
{
    /// <summary>The environment variables the function needs for this resource.</summary>
    public abstract IReadOnlyList<EnvironmentSetting> Environment { get; }

    /// <summary>The IAM statements the function needs for this resource; never an action with a wildcard.</summary>
    public abstract IReadOnlyList<PolicyStatement> Policies { get; }
}
