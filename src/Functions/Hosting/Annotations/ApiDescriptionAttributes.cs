namespace Functions.Hosting.Annotations;

/// <summary>
/// The JSON body a route reads, for the API's OpenAPI document (openapi.json, generated with the template from
/// these attributes and the records the functions serialize). <see cref="Optional"/>: an empty body is allowed.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ApiRequestAttribute(Type body) : Attribute
{
    public Type Body { get; } = body;

    public bool Optional { get; init; }
}

/// <summary>
/// One answer a route gives, for the OpenAPI document: its status, what it means, and its JSON body (a record the
/// function serializes; none for a 204; problem+json for every status from 400). Refusals every route of a kind
/// gives (a malformed path id, a body that is not JSON, a missing key) are added by the generator.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ApiResponseAttribute(int status, string description) : Attribute
{
    public int Status { get; } = status;

    public string Description { get; } = description;

    public Type? Body { get; init; }

    /// <summary>Response headers it sets (Location, Idempotent-Replayed, Retry-After, Cache-Control).</summary>
    public string[] Headers { get; init; } = [];
}

/// <summary>A query parameter a route reads, for the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ApiQueryAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    /// <summary>The values it may take, when it is one of a few.</summary>
    public string[] Values { get; init; } = [];

    /// <summary>A whole number (otherwise text).</summary>
    public bool WholeNumber { get; init; }

    /// <summary>Required (otherwise optional).</summary>
    public bool Required { get; init; }
}

/// <summary>The query parameters of every listing: <c>limit</c> and <c>cursor</c> (Api/PageQuery).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ApiPagedAttribute : Attribute;
