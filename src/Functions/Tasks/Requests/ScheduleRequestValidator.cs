using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Functions.Tasks.Requests;

/// <summary>Checks a schedule request field by field; every problem is named by its field.</summary>
public sealed partial class ScheduleRequestValidator(TargetPolicy targets)
{
    public const int MaxDataBytes = 200 * 1024;
    public const int MaxHeaders = 20;
    public const int MaxHeaderBytes = 4 * 1024;
    public const int MaxIdempotencyKeyLength = 128;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(365);

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    // Hop-by-hop (RFC 9110 7.6.1), what the HTTP stack owns, and what the forwarder sets itself.
    private static readonly HashSet<string> ForbiddenHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length", "content-type", "idempotency-key",
    };

    /// <summary>The request normalised, or null and every problem named by its field.</summary>
    /// <param name="request">The request as the caller sent it.</param>
    /// <param name="now">When it arrived: delays count from here, and run_at may not be before it.</param>
    /// <param name="defaultUrl">The target when the request names none: the project's own callback route.</param>
    public (ValidTaskRequest? Request, Dictionary<string, string[]> Errors) Validate(ScheduleTaskRequest request, DateTimeOffset now, string defaultUrl)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        var timing = ValidateTiming(request, now, Fail);

        var target = ValidateTarget(request.Url, request.Method, request.Headers, request.Data, request.MaxAttempts, request.TimeoutSeconds, defaultUrl, Fail);

        if (request.IdempotencyKey is { } key && !IsValidIdempotencyKey(key))
        {
            Fail("idempotency_key", IdempotencyKeyRule);
        }

        return errors.Count > 0 || timing is null
            ? (null, errors)
            : (new ValidTaskRequest(timing, target.Url, target.Method, target.Headers, target.Data, request.IdempotencyKey, target.MaxAttempts, target.TimeoutSeconds), errors);
    }

    public static string IdempotencyKeyRule => $"idempotency_key must be 1-{MaxIdempotencyKeyLength} characters without control characters.";

    public static bool IsValidIdempotencyKey(string key) => key.Length is > 0 and <= MaxIdempotencyKeyLength && !key.Any(char.IsControl);

    /// <summary>
    /// The fields that say what a delivery calls (a task's, and each run of a recurring schedule's), checked and
    /// normalised; every problem goes to <paramref name="fail"/> under its field. Defaults: POST, 3 attempts, 30 s.
    /// </summary>
    public TaskTarget ValidateTarget(string? url, string? method, Dictionary<string, string>? headers, JsonElement? data, int? maxAttempts, int? timeoutSeconds, string defaultUrl, Action<string, string> fail)
    {
        ArgumentNullException.ThrowIfNull(fail);
        if (url is not null && targets.Check(url, out _) is { } urlProblem)
        {
            fail("url", urlProblem);
        }

        var verb = (method ?? "POST").ToUpperInvariant();
        if (!Methods.Contains(verb))
        {
            fail("method", $"method must be one of {string.Join(", ", Methods)}.");
        }

        var validHeaders = ValidateHeaders(headers, fail);
        var body = "{}";
        if (data is { } element)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                fail("data", "data must be a JSON object.");
            }
            else
            {
                body = element.GetRawText();
                if (Encoding.UTF8.GetByteCount(body) > MaxDataBytes)
                {
                    fail("data", $"data is larger than {MaxDataBytes / 1024} KB serialized.");
                }
            }
        }

        var attempts = maxAttempts ?? 3;
        if (attempts is < 1 or > 10)
        {
            fail("max_attempts", "max_attempts must be between 1 and 10.");
        }

        var timeout = timeoutSeconds ?? 30;
        if (timeout is < 1 or > 60)
        {
            fail("timeout_seconds", "timeout_seconds must be between 1 and 60.");
        }

        return new TaskTarget(url ?? defaultUrl, verb, validHeaders, body, attempts, timeout);
    }

    /// <summary>An RFC 3339 time with an offset (any number of fractional digits).</summary>
    public static bool TryParseTime(string text, out DateTimeOffset at)
    {
        at = default;
        return Rfc3339().IsMatch(text) && DateTimeOffset.TryParse(TrimFraction(text), CultureInfo.InvariantCulture, DateTimeStyles.None, out at);
    }

    private static TaskTiming? ValidateTiming(ScheduleTaskRequest request, DateTimeOffset now, Action<string, string> fail)
    {
        var given = new List<string>();
        if (request.DelayMinutes is not null)
        {
            given.Add("delay_minutes");
        }

        if (request.DelaySeconds is not null)
        {
            given.Add("delay_seconds");
        }

        if (request.RunAt is not null)
        {
            given.Add("run_at");
        }

        if (given.Count != 1)
        {
            var message = given.Count == 0
                ? "Give exactly one of delay_minutes, delay_seconds or run_at."
                : $"Give exactly one of delay_minutes, delay_seconds or run_at, not {string.Join(" and ", given)}.";
            foreach (var field in given.Count == 0 ? ["delay_minutes", "delay_seconds", "run_at"] : given)
            {
                fail(field, message);
            }

            return null;
        }

        if (request.DelayMinutes is { } minutes)
        {
            if (minutes < 0 || minutes > MaxDelay.TotalMinutes)
            {
                fail("delay_minutes", "delay_minutes must be between 0 and 525600 (365 days).");
                return null;
            }

            return new TaskTiming(TimingKind.DelayMinutes, TimeSpan.FromMinutes(minutes), null);
        }

        if (request.DelaySeconds is { } seconds)
        {
            if (seconds < 0 || seconds > MaxDelay.TotalSeconds)
            {
                fail("delay_seconds", "delay_seconds must be between 0 and 31536000 (365 days).");
                return null;
            }

            return new TaskTiming(TimingKind.DelaySeconds, TimeSpan.FromSeconds(seconds), null);
        }

        return ValidateRunAt(request.RunAt!, now, fail) is { } at ? new TaskTiming(TimingKind.RunAt, null, at) : null;
    }

    /// <summary><c>run_at</c>: an RFC 3339 time with an offset, not in the past, at most <see cref="MaxDelay"/> away; null after a failure.</summary>
    public static DateTimeOffset? ValidateRunAt(string text, DateTimeOffset now, Action<string, string> fail)
    {
        ArgumentNullException.ThrowIfNull(fail);
        if (!TryParseTime(text, out var at))
        {
            fail("run_at", "run_at must be an RFC 3339 time with an offset, e.g. 2026-12-01T09:30:00Z or 2026-12-01T18:30:00+09:00.");
            return null;
        }

        if (at < now)
        {
            fail("run_at", "run_at is in the past.");
            return null;
        }

        if (at - now > MaxDelay)
        {
            fail("run_at", "run_at is more than 365 days away.");
            return null;
        }

        return at;
    }

    private static Dictionary<string, string> ValidateHeaders(Dictionary<string, string>? headers, Action<string, string> fail)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (headers is null)
        {
            return result;
        }

        if (headers.Count > MaxHeaders)
        {
            fail("headers", $"headers has more than {MaxHeaders} entries.");
            return result;
        }

        foreach (var (name, value) in headers)
        {
            var field = $"headers.{name}";
            if (!HeaderName().IsMatch(name))
            {
                fail(field, "is not a valid HTTP header name.");
            }
            else if (ForbiddenHeaders.Contains(name) || name.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase))
            {
                fail(field, "is set by the forwarder or the HTTP stack and cannot be given (hop-by-hop, Host, Content-Length, Content-Type, Idempotency-Key, webhook-*).");
            }
            else if (value is null || value.Any(c => c > '~' || (c < ' ' && c != '\t')))
            {
                fail(field, "value must be printable ASCII (no CR, LF, NUL or other control characters; encode anything else).");
            }
            else if (Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value) > MaxHeaderBytes)
            {
                fail(field, $"is larger than {MaxHeaderBytes / 1024} KB.");
            }
            else if (!result.TryAdd(name, value))
            {
                fail(field, "is given twice (header names are case-insensitive).");
            }
        }

        return result;
    }

    // DateTimeOffset parses at most 7 fractional digits; RFC 3339 allows more.
    private static string TrimFraction(string text) => FractionTail().Replace(text, m => m.Groups[1].Value + m.Groups[2].Value);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"(\.\d{1,7})\d*([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex FractionTail();

    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderName();
}
