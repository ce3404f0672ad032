using System.Security.Cryptography;
using System.Globalization;
using System.Text;
using Functions.Tasks.Requests;
using NodaTime;

namespace Functions.Tasks.Recurring;

/// <summary>When a schedule fires, checked: its expression (parsed, and as given), its zone (name and rules), and its bounds.</summary>
public sealed record ScheduleTiming(ScheduleExpression Expression, string ExpressionText, string TimeZone, DateTimeZone Zone, DateTimeOffset? StartAt, DateTimeOffset? EndAt);

/// <summary>A recurring schedule's request that passed every check, normalised.</summary>
public sealed record ValidScheduleRequest(
    ScheduleTiming Timing,
    string? Name,
    TaskTarget Target,
    CatchUpPolicy CatchUp,
    OverlapPolicy Overlap,
    ScheduleState? State,
    string? IdempotencyKey)
{
    /// <summary>SHA-256 of the request as checked, so a retried create with the same idempotency key matches its first try.</summary>
    public string Fingerprint()
    {
        var text = new StringBuilder()
            .AppendJoin('\n', Timing.ExpressionText, Timing.TimeZone, Timing.StartAt?.ToString("O", CultureInfo.InvariantCulture), Timing.EndAt?.ToString("O", CultureInfo.InvariantCulture), Name, Target.Url, Target.Method, Target.Data, Target.MaxAttempts, Target.TimeoutSeconds, CatchUp, Overlap, State)
            .Append('\n')
            .AppendJoin('\n', Target.Headers.OrderBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal).Select(h => $"{h.Key.ToLowerInvariant()}: {h.Value}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>
/// Checks a recurring schedule's request field by field, every problem named by its field: the expression in
/// EventBridge Scheduler's grammar (<see cref="ScheduleExpression"/>), an IANA zone, RFC 3339 bounds, the policies,
/// and the target exactly as a one-time task's (<see cref="ScheduleRequestValidator.ValidateTarget"/>).
/// </summary>
public sealed class RecurringRequestValidator(ScheduleRequestValidator tasks)
{
    public const int MaxNameLength = 64;
    public const int MaxPreviewCount = 50;

    public (ValidScheduleRequest? Request, Dictionary<string, string[]> Errors) Validate(RecurringScheduleRequest request, string defaultUrl)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        var timing = ValidateTiming(request.ScheduleExpression, request.TimeZone, request.StartAt, request.EndAt, Fail);
        if (request.Name is { } name && (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl)))
        {
            Fail("name", $"name must be 1-{MaxNameLength} characters without control characters.");
        }

        var target = tasks.ValidateTarget(request.Url, request.Method, request.Headers, request.Data, request.MaxAttempts, request.TimeoutSeconds, defaultUrl, Fail);
        var catchUp = CatchUpPolicy.Latest;
        if (request.CatchUp is { } catchUpText && !ScheduleNames.TryParse(catchUpText, out catchUp))
        {
            Fail("catch_up", "catch_up must be latest or none.");
        }

        var overlap = OverlapPolicy.Allow;
        if (request.Overlap is { } overlapText && !ScheduleNames.TryParse(overlapText, out overlap))
        {
            Fail("overlap", "overlap must be allow or skip.");
        }

        ScheduleState? state = null;
        if (request.State is { } stateText)
        {
            if (ScheduleNames.TryParse(stateText, out ScheduleState parsed) && parsed != ScheduleState.Ended)
            {
                state = parsed;
            }
            else
            {
                Fail("state", "state must be enabled or paused.");
            }
        }

        if (request.IdempotencyKey is { } key && !ScheduleRequestValidator.IsValidIdempotencyKey(key))
        {
            Fail("idempotency_key", ScheduleRequestValidator.IdempotencyKeyRule);
        }

        return errors.Count > 0 || timing is null
            ? (null, errors)
            : (new ValidScheduleRequest(timing, request.Name, target, catchUp, overlap, state, request.IdempotencyKey), errors);
    }

    /// <summary>The query of GET /api/v1/schedules/preview: the expression, zone and start as for a create, and 1-50 occurrences (5).</summary>
    public (ScheduleTiming? Timing, int Count, Dictionary<string, string[]> Errors) ValidatePreview(string? expression, string? timeZone, string? startAt, string? count)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [message];
        var timing = ValidateTiming(expression, timeZone, startAt, null, Fail);
        var n = 5;
        if (count is not null && (!int.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n) || n is < 1 or > MaxPreviewCount))
        {
            Fail("count", $"count must be a whole number from 1 to {MaxPreviewCount}.");
        }

        return (errors.Count > 0 ? null : timing, n, errors);
    }


    private static ScheduleTiming? ValidateTiming(
        string? expressionText, string? timeZone, string? startText, string? endText, Action<string, string> fail)
    {
        ScheduleExpression? expression = null;
        if (expressionText is null)
        {
            fail("schedule_expression", "schedule_expression is required, e.g. cron(0 9 ? * MON-FRI *) or rate(15 minutes).");
        }
        else if (!ScheduleExpression.TryParse(expressionText, out expression, out var problem))
        {
            fail("schedule_expression", $"schedule_expression {problem}");
        }

        var zone = Occurrences.Zone(timeZone ?? "UTC");
        if (zone is null)
        {
            fail("time_zone", $"time_zone '{timeZone}' is not an IANA time zone name (e.g. UTC, Asia/Seoul, America/New_York).");
        }

        DateTimeOffset? start = null;
        if (startText is not null)
        {
            if (ScheduleRequestValidator.TryParseTime(startText, out var parsed))
            {
                // Whole milliseconds, as times are stored and sent: a rate counts from here, and its occurrences must read back equal.
                start = Timestamps.ToMillisecond(parsed);
            }
            else
            {
                fail("start_at", "start_at must be an RFC 3339 time with an offset, e.g. 2026-12-01T09:00:00+09:00.");
            }
        }

        DateTimeOffset? end = null;
        if (endText is not null)
        {
            if (!ScheduleRequestValidator.TryParseTime(endText, out var parsed))
            {
                fail("end_at", "end_at must be an RFC 3339 time with an offset, e.g. 2027-12-31T23:59:59+09:00.");
            }
            else if (start is { } s && parsed <= s)
            {
                fail("end_at", "end_at must be after start_at.");
            }
            else
            {
                end = Timestamps.ToMillisecond(parsed);
            }
        }

        return expression is null || zone is null || (startText is not null && start is null) || (endText is not null && end is null)
            ? null
            : new ScheduleTiming(expression, expressionText!.Trim(), timeZone ?? "UTC", zone, start, end);
    }
}
