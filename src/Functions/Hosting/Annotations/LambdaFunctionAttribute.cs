namespace Functions.Hosting.Annotations;

// The project's own function annotations. Functions.Generators reads them at compile time and emits
// FunctionCatalog; Functions.Template turns that catalog into serverless.template. Nothing reads them
// through reflection at run time.

/// <summary>
/// Marks a method as the handler of one Lambda function. The method is either an HTTP API handler
/// (<c>(HttpApiRequest, InvocationContext) -> HttpApiResponse | Task&lt;…&gt; | ValueTask&lt;…&gt;</c>, with
/// <see cref="HttpApiAttribute"/>) or a raw handler (<c>(Stream, InvocationContext) -> Stream | Task&lt;Stream&gt;</c>).
/// Its declaring class is a singleton for the life of the execution environment. What the function may touch
/// is declared with <see cref="ResourceBindingAttribute"/>s on the method or its class.
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

    /// <summary>A template parameter (its logical id) holding the function's reserved concurrency: its cap, kept for it.</summary>
    public string? ReservedConcurrency { get; set; }
}
