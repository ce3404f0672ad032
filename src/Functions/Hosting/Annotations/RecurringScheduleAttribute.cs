namespace Functions.Hosting.Annotations;

/// <summary>A recurring EventBridge Scheduler schedule (e.g. <c>rate(5 minutes)</c>) that invokes the function.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RecurringScheduleAttribute(string expression) : Attribute
{
    public string Expression { get; } = expression;
}
