using System.Net;

namespace Functions.Scheduler;

/// <summary>An error answer of EventBridge Scheduler: its HTTP status and its x-amzn-ErrorType.</summary>
public class SchedulerException(string errorType, HttpStatusCode statusCode, string message)
    : Exception($"{errorType} ({(int)statusCode}): {message}")
{
    public string ErrorType { get; } = errorType;

    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>Worth retrying: throttling, or the service's own failure.</summary>
    public bool IsTransient => this is SchedulerThrottlingException || (int)StatusCode >= 500;

    public static SchedulerException From(string? errorTypeHeader, HttpStatusCode status, string? message)
    {
        // "take the part before ':'" — the header may carry a URL after the type.
        var type = errorTypeHeader?.Split(':')[0].Trim();
        if (string.IsNullOrEmpty(type))
        {
            type = $"Http{(int)status}";
        }

        message ??= string.Empty;
        return type switch
        {
            "ConflictException" => new SchedulerConflictException(status, message),
            "ResourceNotFoundException" => new SchedulerResourceNotFoundException(status, message),
            "ValidationException" => new SchedulerValidationException(status, message),
            "ThrottlingException" => new SchedulerThrottlingException(status, message),
            "ServiceQuotaExceededException" => new SchedulerServiceQuotaExceededException(status, message),
            "InternalServerException" => new SchedulerInternalServerException(status, message),
            _ => new SchedulerException(type, status, message),
        };
    }
}

public sealed class SchedulerConflictException(HttpStatusCode status, string message) : SchedulerException("ConflictException", status, message);

public sealed class SchedulerResourceNotFoundException(HttpStatusCode status, string message) : SchedulerException("ResourceNotFoundException", status, message);

public sealed class SchedulerValidationException(HttpStatusCode status, string message) : SchedulerException("ValidationException", status, message);

public sealed class SchedulerThrottlingException(HttpStatusCode status, string message) : SchedulerException("ThrottlingException", status, message);

public sealed class SchedulerServiceQuotaExceededException(HttpStatusCode status, string message) : SchedulerException("ServiceQuotaExceededException", status, message);

public sealed class SchedulerInternalServerException(HttpStatusCode status, string message) : SchedulerException("InternalServerException", status, message);
