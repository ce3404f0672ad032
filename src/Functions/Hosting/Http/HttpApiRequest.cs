using System.Text.Json.Serialization;

namespace Functions.Hosting.Http;

// API Gateway HTTP API, payload format 2.0 ("Create AWS Lambda proxy integrations for HTTP APIs").
// Header names arrive lower-cased; repeated headers are joined with commas.

public sealed record HttpApiRequest
{
    public string? Version { get; init; }
    public string? RouteKey { get; init; }
    public string? RawPath { get; init; }
    public string? RawQueryString { get; init; }
    public IReadOnlyList<string>? Cookies { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
    public IReadOnlyDictionary<string, string>? QueryStringParameters { get; init; }
    public IReadOnlyDictionary<string, string>? PathParameters { get; init; }
    public IReadOnlyDictionary<string, string>? StageVariables { get; init; }
    public HttpApiRequestContext? RequestContext { get; init; }
    public string? Body { get; init; }
    public bool IsBase64Encoded { get; init; }

    /// <summary>The body as received, base64-decoded when API Gateway encoded it. Set by the entry point.</summary>
    [JsonIgnore]
    public ReadOnlyMemory<byte> BodyBytes { get; init; }

    /// <summary>Who sent the request, as the authorizer allowed it (set by the entry point); null on a public route.</summary>
    [JsonIgnore]
    public RequestCaller? Caller { get; init; }

    /// <summary>A header's value, whatever the case of its name (API Gateway lower-cases them; tests may not).</summary>
    public string? Header(string name)
    {
        if (Headers is null)
        {
            return null;
        }

        if (Headers.TryGetValue(name.ToLowerInvariant(), out var value))
        {
            return value;
        }

        foreach (var (key, candidate) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return null;
    }

    public string? PathParameter(string name) =>
        PathParameters is not null && PathParameters.TryGetValue(name, out var value) ? value : null;

    public string? QueryParameter(string name) =>
        QueryStringParameters is not null && QueryStringParameters.TryGetValue(name, out var value) ? value : null;
}

public sealed record HttpApiRequestContext
{
    public string? AccountId { get; init; }
    public string? ApiId { get; init; }
    public string? DomainName { get; init; }
    public string? DomainPrefix { get; init; }
    public HttpApiRequestHttp? Http { get; init; }
    public string? RequestId { get; init; }
    public string? RouteKey { get; init; }
    public string? Stage { get; init; }
    public string? Time { get; init; }
    public long TimeEpoch { get; init; }

    /// <summary>What the route's authorizer handed on; null on a route without one.</summary>
    public HttpApiRequestAuthorizer? Authorizer { get; init; }
}

public sealed record HttpApiRequestHttp
{
    public string? Method { get; init; }
    public string? Path { get; init; }
    public string? Protocol { get; init; }
    public string? SourceIp { get; init; }
    public string? UserAgent { get; init; }
}

public sealed record HttpApiResponse
{
    public int StatusCode { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
    public IReadOnlyList<string>? Cookies { get; init; }
    public string? Body { get; init; }
    public bool IsBase64Encoded { get; init; }
}

/// <summary>RFC 9457 problem details; <see cref="Errors"/> names each invalid field.</summary>
public sealed record ProblemDetails
{
    public string? Type { get; init; }
    public required string Title { get; init; }
    public required int Status { get; init; }
    public string? Detail { get; init; }
    public string? Instance { get; init; }
    public string? RequestId { get; init; }
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>Extension: the task the problem is about, when there is one.</summary>
    [JsonPropertyName("task_id")]
    public string? TaskId { get; init; }

    /// <summary>Extension: that task's status (e.g. why it cannot be cancelled).</summary>
    [JsonPropertyName("task_status")]
    public string? TaskStatus { get; init; }

    /// <summary>Extension: the recurring schedule the problem is about, when there is one.</summary>
    [JsonPropertyName("schedule_id")]
    public string? ScheduleId { get; init; }
}
