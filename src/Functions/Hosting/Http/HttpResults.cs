using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Functions.Serialization;

namespace Functions.Hosting.Http;

/// <summary>Builds payload 2.0 responses: JSON bodies and RFC 9457 problem+json errors.</summary>
public static class HttpResults
{
    public const string JsonContentType = "application/json";
    public const string ProblemContentType = "application/problem+json";

    public static HttpApiResponse Json<T>(int statusCode, T value, JsonTypeInfo<T> typeInfo, IReadOnlyDictionary<string, string>? headers = null)
    {
        var allHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["content-type"] = JsonContentType };
        if (headers is not null)
        {
            foreach (var (name, value2) in headers)
            {
                allHeaders[name] = value2;
            }
        }

        return new HttpApiResponse
        {
            StatusCode = statusCode,
            Headers = allHeaders,
            Body = JsonSerializer.Serialize(value, typeInfo),
        };
    }

    // RFC 9457: with the default type (about:blank) the title is the status's reason phrase.
    public static HttpApiResponse Problem(ProblemDetails problem, IReadOnlyDictionary<string, string>? headers = null)
    {
        var allHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["content-type"] = ProblemContentType };
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                allHeaders[name] = value;
            }
        }

        return new HttpApiResponse
        {
            StatusCode = problem.Status,
            Headers = allHeaders,
            Body = JsonSerializer.Serialize(problem, FunctionsJsonContext.Default.ProblemDetails),
        };
    }

    /// <summary>A 400 naming every invalid field with its messages (the detail lists them all).</summary>
    public static HttpApiResponse ValidationProblem(IReadOnlyDictionary<string, string[]> errors, string? requestId = null) =>
        Problem(new ProblemDetails
        {
            Title = "Bad Request",
            Status = 400,
            Detail = string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            RequestId = requestId,
            Errors = errors,
        });

    /// <summary>A 400 naming the invalid field, in the shape ASP.NET's ValidationProblemDetails uses.</summary>
    public static HttpApiResponse BadRequest(string field, string message, string? requestId = null) =>
        Problem(new ProblemDetails
        {
            Title = "Bad Request",
            Status = 400,
            Detail = message,
            RequestId = requestId,
            Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] },
        });

    /// <summary>A 415 for a body that is not JSON, naming the content-type header.</summary>
    public static HttpApiResponse UnsupportedMediaType(string detail, string? requestId = null) =>
        Problem(new ProblemDetails
        {
            Title = "Unsupported Media Type",
            Status = 415,
            Detail = detail,
            RequestId = requestId,
            Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["content-type"] = [detail] },
        });

    /// <summary>A 401: the request carries no caller the API's authorizer allowed.</summary>
    public static HttpApiResponse Unauthorized(string detail, string? requestId = null) =>
        Problem(
            new ProblemDetails { Title = "Unauthorized", Status = 401, Detail = detail, RequestId = requestId },
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["www-authenticate"] = "Bearer" });

    /// <summary>A 403: the caller is known but may not do this.</summary>
    public static HttpApiResponse Forbidden(string detail, string? requestId = null) =>
        Problem(new ProblemDetails { Title = "Forbidden", Status = 403, Detail = detail, RequestId = requestId });

    public static HttpApiResponse NotFound(string detail, string? requestId = null) =>
        Problem(new ProblemDetails { Title = "Not Found", Status = 404, Detail = detail, RequestId = requestId });

    public static HttpApiResponse MethodNotAllowed(string allow, string? requestId = null) =>
        Problem(
            new ProblemDetails { Title = "Method Not Allowed", Status = 405, Detail = $"This route accepts {allow}.", RequestId = requestId },
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["allow"] = allow });

    /// <summary>The answer to an unexpected exception: nothing about it leaves the function.</summary>
    public static HttpApiResponse InternalServerError(string? requestId = null) =>
        Problem(new ProblemDetails
        {
            Title = "Internal Server Error",
            Status = 500,
            Detail = "The request could not be completed. Quote the request id when reporting it.",
            RequestId = requestId,
        });
}
