namespace Functions.Hosting.Annotations;

/// <summary>An API Gateway HTTP API route (payload format 2.0) that invokes the function.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class HttpApiAttribute(string method, string path) : Attribute
{
    /// <summary>GET, POST, PUT, PATCH or DELETE.</summary>
    public string Method { get; } = method;

    /// <summary>Route path; <c>{name}</c> matches one segment.</summary>
    public string Path { get; } = path;
}
