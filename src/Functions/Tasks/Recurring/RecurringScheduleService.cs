using Functions.Tasks.Callers;
using Functions.Tasks.WakeUps;
using Microsoft.Extensions.Logging;

namespace Functions.Tasks.Recurring;

/// <summary>
/// Recurring schedules on a caller's behalf: create, read, list, change (pause, resume, edit), delete, run now,
/// preview. A caller sees only its own (another's is not found); an admin sees any. A change applies from the next
/// occurrence; a run already made (in flight) is a task of its own and finishes whatever happens to its schedule.
/// </summary>
public sealed partial class RecurringScheduleService(
    RecurringRequestValidator validator,
    IScheduleStore schedules,
    ITaskStore tasks,
    ScheduleFiring firing,
    WakeUpTimer wakeUps,
    TimeProvider time,
    ILogger<RecurringScheduleService> logger)
{
    /// <summary>How many next occurrences GET shows.</summary>
    public const int NextRunsShown = 5;

    public async Task<ScheduleOutcome> CreateAsync(RecurringScheduleRequest request, Caller caller, string defaultUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (valid, errors) = validator.Validate(request, defaultUrl);
        if (valid is null)
        {
            return new ScheduleOutcome.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var schedule = Apply(valid, new RecurringSchedule
        {
            ScheduleId = ScheduleIds.New(),
            Caller = caller.Name,
            Expression = valid.Timing.ExpressionText,
            TimeZone = valid.Timing.TimeZone,
            Anchor = valid.Timing.StartAt ?? WholeSecond(now),
            Target = valid.Target,
            State = valid.State ?? ScheduleState.Enabled,
            IdempotencyKey = valid.IdempotencyKey,
            CreatedAt = now,
            UpdatedAt = now,
        });

        // The first run is the first occurrence strictly after now (and at or after start_at).
        var first = ScheduleTimes.First(schedule, now);
        if (first is null)
        {
            var field = valid.Timing.EndAt is null ? "schedule_expression" : "end_at";
            return new ScheduleOutcome.Invalid(new(StringComparer.Ordinal) { [field] = [$"{field}: the schedule has no occurrence after now{(valid.Timing.EndAt is null ? string.Empty : " and before end_at")}."] });
        }

        schedule = schedule.State == ScheduleState.Enabled
            ? schedule with { NextRunAt = first }
            : schedule;
        var fingerprint = valid.IdempotencyKey is null ? null : valid.Fingerprint();
        var created = await schedules.CreateAsync(schedule, fingerprint, cancellationToken).ConfigureAwait(false);
        if (!created.Created)
        {
            if (created.ExistingFingerprint != fingerprint)
            {
                return new ScheduleOutcome.KeyReused(created.ExistingId!);
            }

            var existing = await schedules.GetAsync(created.ExistingId!, cancellationToken).ConfigureAwait(false);
            return existing is null ? new ScheduleOutcome.Conflict() : new ScheduleOutcome.Saved(await ViewAsync(existing, cancellationToken).ConfigureAwait(false), Created: false, Replayed: true);
        }

        try
        {
            await firing.ArmNextAsync(schedule, now, cancellationToken).ConfigureAwait(false);
        }
        catch (WakeUpException ex)
        {
            // Nothing is left half made: the schedule is removed (a wake-up that was armed after all finds no schedule).
            LogArmFailed(logger, ex, schedule.ScheduleId, ex.ErrorType);
            await schedules.DeleteAsync(schedule, CancellationToken.None).ConfigureAwait(false);
            return new ScheduleOutcome.WakeUpFailed(ex.ErrorType, ex.Busy, ChangeSaved: false);
        }

        LogCreated(logger, schedule.ScheduleId, schedule.Expression, schedule.TimeZone);
        return new ScheduleOutcome.Saved(await ViewAsync(schedule, cancellationToken).ConfigureAwait(false), Created: true, Replayed: false);
    }

    public async Task<ScheduleView?> GetAsync(Caller caller, string scheduleId, CancellationToken cancellationToken) =>
        await FindAsync(caller, scheduleId, cancellationToken).ConfigureAwait(false) is { } schedule ? await ViewAsync(schedule, cancellationToken).ConfigureAwait(false) : null;

    public async Task<ScheduleListOutcome> ListAsync(Caller caller, string? onlyCaller, ScheduleState? state, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAdmin && onlyCaller is not null && onlyCaller != caller.Name)
        {
            return new ScheduleListOutcome.Forbidden("Only an admin caller may list another caller's schedules.");
        }

        try
        {
            var page = await schedules.ListAsync(onlyCaller ?? caller.Name, state, limit, cursor, cancellationToken).ConfigureAwait(false);

            // Each schedule's last run is read at once, not one after another.
            var views = await Task.WhenAll(page.Schedules.Select(s => ViewAsync(s, cancellationToken))).ConfigureAwait(false);
            return new ScheduleListOutcome.Listed(views, page.NextCursor);
        }
        catch (FormatException ex)
        {
            return new ScheduleListOutcome.BadCursor(ex.Message);
        }
    }

    /// <summary>
    /// Applies a patch: any field of a create, or <c>state</c> paused / enabled. Timing changes and a resume start
    /// from the first occurrence strictly after now (a pause skips what fell in it); a target change applies to the
    /// runs made from now on. Conditional on the version read: a firing racing the change is either before it or after.
    /// </summary>
    public async Task<ScheduleOutcome> UpdateAsync(Caller caller, string scheduleId, RecurringScheduleRequest patch, string defaultUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (patch.IdempotencyKey is not null)
        {
            return new ScheduleOutcome.Invalid(new(StringComparer.Ordinal) { ["idempotency_key"] = ["idempotency_key is given when a schedule is created, not changed."] });
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await FindAsync(caller, scheduleId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return new ScheduleOutcome.NotFound();
            }

            var (valid, errors) = validator.Validate(patch.Over(current), defaultUrl);
            if (valid is null)
            {
                return new ScheduleOutcome.Invalid(errors);
            }

            var now = time.GetUtcNow();
            var timing = valid.Timing;
            var timingChanged = timing.ExpressionText != current.Expression || timing.TimeZone != current.TimeZone || timing.StartAt != current.StartAt || timing.EndAt != current.EndAt;
            var state = valid.State ?? (current.State == ScheduleState.Paused ? ScheduleState.Paused : ScheduleState.Enabled);
            var updated = Apply(valid, current) with { Anchor = timingChanged ? timing.StartAt ?? WholeSecond(now) : current.Anchor, UpdatedAt = now };
            if (state == ScheduleState.Paused)
            {
                updated = updated with { State = ScheduleState.Paused, NextRunAt = null, WakeUpArn = null };
            }
            else if (timingChanged || current.State != ScheduleState.Enabled)
            {
                var next = ScheduleTimes.First(updated, now);
                updated = updated with
                {
                    State = next is null ? ScheduleState.Ended : ScheduleState.Enabled,
                    NextRunAt = next,
                    WakeUpArn = null,
                };
            }

            var written = await schedules.ReplaceAsync(updated, cancellationToken).ConfigureAwait(false);
            if (written is null)
            {
                continue;
            }

            if (written.NextRunAt != current.NextRunAt)
            {
                // The old wake-up is stale now (it names an occurrence the schedule no longer waits on); its
                // EventBridge schedule, if it had one, is deleted so that it does not fire for nothing.
                await DisarmAsync(current).ConfigureAwait(false);
                try
                {
                    await firing.ArmNextAsync(written, now, cancellationToken).ConfigureAwait(false);
                }
                catch (WakeUpException ex)
                {
                    LogArmFailed(logger, ex, scheduleId, ex.ErrorType);
                    return new ScheduleOutcome.WakeUpFailed(ex.ErrorType, ex.Busy, ChangeSaved: true);
                }
            }

            var stateName = ScheduleNames.Of(written.State);
            LogUpdated(logger, scheduleId, stateName);
            return new ScheduleOutcome.Saved(await ViewAsync(written, cancellationToken).ConfigureAwait(false), Created: false, Replayed: false);
        }

        return new ScheduleOutcome.Conflict();
    }

    /// <summary>Deletes the schedule: no wake-up of it makes a run after this returns; runs already made finish.</summary>
    public async Task<bool> DeleteAsync(Caller caller, string scheduleId, CancellationToken cancellationToken)
    {
        var current = await FindAsync(caller, scheduleId, cancellationToken).ConfigureAwait(false);
        if (current is null || !await schedules.DeleteAsync(current, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await DisarmAsync(current).ConfigureAwait(false);
        LogDeleted(logger, scheduleId);
        return true;
    }

    /// <summary>One run now (its occurrence is now), delivered like a task; the next occurrence does not move. Null: not found.</summary>
    public async Task<TaskRecord?> RunNowAsync(Caller caller, string scheduleId, CancellationToken cancellationToken)
    {
        var current = await FindAsync(caller, scheduleId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var occurrence = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        var run = new ScheduleRun(ScheduleIds.RunId(scheduleId, occurrence), occurrence, occurrence, null, Late: false);
        var name = WakeUpNames.First(run.TaskId);
        await firing.CreateRunAsync(current, run, now, cancellationToken, name).ConfigureAwait(false);
        await wakeUps.ArmAsync(run.TaskId, occurrence, name, now, cancellationToken).ConfigureAwait(false);

        // The schedule's last run is this one now (best effort against a racing firing, which records its own).
        for (var attempt = 0; attempt < 3 && current is not null; attempt++)
        {
            if (await schedules.ReplaceAsync(current with { LastRun = run, UpdatedAt = now }, cancellationToken).ConfigureAwait(false) is not null)
            {
                break;
            }

            current = await schedules.GetAsync(scheduleId, cancellationToken).ConfigureAwait(false);
        }

        LogRunNow(logger, scheduleId, run.TaskId);
        return await tasks.GetAsync(run.TaskId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The schedule's runs, newest first; null when the schedule is not the caller's (or gone).</summary>
    public async Task<TaskPage?> RunsAsync(Caller caller, string scheduleId, int limit, string? cursor, CancellationToken cancellationToken) =>
        await FindAsync(caller, scheduleId, cancellationToken).ConfigureAwait(false) is null
            ? null
            : await tasks.ListRunsAsync(scheduleId, limit, cursor, cancellationToken).ConfigureAwait(false);

    /// <summary>The next occurrences of an expression from now (or its start), without creating anything.</summary>
    public (IReadOnlyList<DateTimeOffset>? Occurrences, ScheduleTiming? Timing, Dictionary<string, string[]> Errors) Preview(string? expression, string? timeZone, string? startAt, string? count)
    {
        var (timing, n, errors) = validator.ValidatePreview(expression, timeZone, startAt, count);
        if (timing is null)
        {
            return (null, null, errors);
        }

        // The same anchor a create would take now, so a preview shows what that create would fire.
        var now = time.GetUtcNow();
        return (ScheduleTimes.After(timing.Expression, timing.Zone, timing.StartAt ?? WholeSecond(now), timing.StartAt, null, now, n), timing, errors);
    }

    /// <summary>A rate without a start counts from the second it was created (or its timing changed) in: its occurrences fall on whole seconds.</summary>
    private static DateTimeOffset WholeSecond(DateTimeOffset now) => DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());

    /// <summary>The request's fields on the schedule (what a create sets and a change may change).</summary>
    private static RecurringSchedule Apply(ValidScheduleRequest valid, RecurringSchedule schedule) => schedule with
    {
        Name = valid.Name,
        Expression = valid.Timing.ExpressionText,
        TimeZone = valid.Timing.TimeZone,
        StartAt = valid.Timing.StartAt,
        EndAt = valid.Timing.EndAt,
        Target = valid.Target,
        CatchUp = valid.CatchUp,
        Overlap = valid.Overlap,
    };

    private async Task<RecurringSchedule?> FindAsync(Caller caller, string scheduleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var schedule = await schedules.GetAsync(scheduleId, cancellationToken).ConfigureAwait(false);
        return schedule is not null && caller.CanSee(schedule.Caller) ? schedule : null;
    }

    private async Task<ScheduleView> ViewAsync(RecurringSchedule schedule, CancellationToken cancellationToken)
    {
        // Exactly what will fire: the armed occurrence, then the ones after it.
        IReadOnlyList<DateTimeOffset> next = schedule is { State: ScheduleState.Enabled, NextRunAt: { } armed }
            ? [armed, .. ScheduleTimes.After(schedule, armed, NextRunsShown - 1)]
            : [];
        var lastRun = schedule.LastRun is { } run ? await tasks.GetAsync(run.TaskId, cancellationToken).ConfigureAwait(false) : null;
        return new ScheduleView(schedule, [.. next.Select(o => ScheduleTimes.InZone(o, schedule.TimeZone))], lastRun);
    }

    private async Task DisarmAsync(RecurringSchedule schedule)
    {
        if (schedule.WakeUpArn is null || schedule.WakeUpName is not { } name)
        {
            return;
        }

        try
        {
            await wakeUps.DisarmAsync(name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WakeUpException or HttpRequestException or OperationCanceledException)
        {
            // Harmless if it stays: when it fires, the schedule is not waiting on its occurrence and nothing runs.
            LogDisarmFailed(logger, ex, schedule.ScheduleId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created schedule {ScheduleId}: {Expression} in {TimeZone}")]
    private static partial void LogCreated(ILogger logger, string scheduleId, string expression, string timeZone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Changed schedule {ScheduleId}; it is {State}")]
    private static partial void LogUpdated(ILogger logger, string scheduleId, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted schedule {ScheduleId}")]
    private static partial void LogDeleted(ILogger logger, string scheduleId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId} run now as task {TaskId}")]
    private static partial void LogRunNow(ILogger logger, string scheduleId, string taskId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Arming the wake-up of schedule {ScheduleId} failed: {ErrorType}")]
    private static partial void LogArmFailed(ILogger logger, Exception exception, string scheduleId, string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the wake-up schedule of schedule {ScheduleId}; if it fires, nothing runs")]
    private static partial void LogDisarmFailed(ILogger logger, Exception exception, string scheduleId);
}
