using System.Globalization;
using System.Net;
using System.Text.Json;
using Functions.Scheduler;
using Functions.Serialization;

namespace Functions.Local.Embedded;

/// <summary>
/// Plays EventBridge Scheduler for the runner's embedded mode, behind the same port the functions use
/// (<see cref="ISchedulerClient"/>): the scheduling function and the forwarder call it exactly as they call
/// the real client, and <see cref="Firing.EmbeddedClock"/> fires what comes due. Chosen over serving the
/// Scheduler REST API on a local port because the wire client is already tested against moto; what the
/// runner must add is the firing, which needs the schedules, not the protocol.
/// </summary>
public sealed class LocalScheduler(LocalDatabase database) : ISchedulerClient
{
    public static string Arn(string group, string name) => $"arn:aws:scheduler:local:000000000000:schedule/{group}/{name}";

    public static DateTimeOffset FireAt(string expression)
    {
        // One-time schedules only: at(yyyy-mm-ddThh:mm:ss), in UTC (the project always sends UTC).
        if (!expression.StartsWith("at(", StringComparison.Ordinal) || !expression.EndsWith(')')
            || !DateTime.TryParseExact(expression[3..^1], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw new SchedulerValidationException(HttpStatusCode.BadRequest, $"Invalid Schedule Expression {expression}.");
        }

        return new DateTimeOffset(at, TimeSpan.Zero);
    }

    public Task<string> CreateScheduleAsync(string name, CreateScheduleRequest request, CancellationToken cancellationToken)
    {
        var fireAt = FireAt(request.ScheduleExpression).ToUnixTimeMilliseconds();
        var json = JsonSerializer.Serialize(request, FunctionsJsonContext.Default.CreateScheduleRequest);
        return database.RunAsync(sql =>
        {
            // A second create of the same name is the same schedule (the ClientToken is the name).
            var insert = sql.Command(
                "INSERT INTO schedules (group_name, name, fire_at, request) VALUES ($g, $n, $f, $r) ON CONFLICT DO NOTHING",
                ("$g", request.GroupName), ("$n", name), ("$f", fireAt), ("$r", json));
            insert.ExecuteNonQuery();
            return Arn(request.GroupName, name);
        }, cancellationToken);
    }

    public Task<GetScheduleResponse?> GetScheduleAsync(string name, string groupName, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var query = sql.Command("SELECT request FROM schedules WHERE group_name = $g AND name = $n", ("$g", groupName), ("$n", name));
            if (query.ExecuteScalar() is not string json)
            {
                return null;
            }

            var request = JsonSerializer.Deserialize(json, FunctionsJsonContext.Default.CreateScheduleRequest)!;
            return new GetScheduleResponse
            {
                Arn = Arn(groupName, name),
                Name = name,
                GroupName = groupName,
                ScheduleExpression = request.ScheduleExpression,
                ScheduleExpressionTimezone = request.ScheduleExpressionTimezone,
                FlexibleTimeWindow = request.FlexibleTimeWindow,
                Target = request.Target,
                ActionAfterCompletion = request.ActionAfterCompletion,
                State = request.State,
            };
        }, cancellationToken);

    public Task<bool> DeleteScheduleAsync(string name, string groupName, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var delete = sql.Command("DELETE FROM schedules WHERE group_name = $g AND name = $n", ("$g", groupName), ("$n", name));
            return delete.ExecuteNonQuery() > 0;
        }, cancellationToken);

    public Task<ListSchedulesResponse> ListSchedulesAsync(string groupName, string? namePrefix, string? nextToken, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var query = sql.Command("SELECT name FROM schedules WHERE group_name = $g AND name LIKE $p ORDER BY name", ("$g", groupName), ("$p", (namePrefix ?? string.Empty) + "%"));
            using var reader = query.ExecuteReader();
            var list = new List<ScheduleSummary>();
            while (reader.Read())
            {
                list.Add(new ScheduleSummary { Name = reader.GetString(0), GroupName = groupName, Arn = Arn(groupName, reader.GetString(0)), State = "ENABLED" });
            }

            return new ListSchedulesResponse { Schedules = list };
        }, cancellationToken);

    public Task EnsureScheduleGroupAsync(string groupName, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Takes up to <paramref name="max"/> due schedules, hiding each for <paramref name="lease"/> while it fires.</summary>
    public Task<List<DueSchedule>> TakeDueAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var due = new List<DueSchedule>();
            using (var reader = sql.Command("SELECT group_name, name, request, failures FROM schedules WHERE fire_at <= $now ORDER BY fire_at LIMIT $max", ("$now", now.ToUnixTimeMilliseconds()), ("$max", max)).ExecuteReader())
            {
                while (reader.Read())
                {
                    due.Add(new DueSchedule(reader.GetString(0), reader.GetString(1), JsonSerializer.Deserialize(reader.GetString(2), FunctionsJsonContext.Default.CreateScheduleRequest)!, reader.GetInt32(3)));
                }
            }

            foreach (var schedule in due)
            {
                var hide = sql.Command("UPDATE schedules SET fire_at = $f WHERE group_name = $g AND name = $n", ("$f", (now + lease).ToUnixTimeMilliseconds()), ("$g", schedule.Group), ("$n", schedule.Name));
                hide.ExecuteNonQuery();
            }

            return due;
        }, cancellationToken);

    /// <summary>After a failed invocation: try again at <paramref name="retryAt"/>, counting the failure.</summary>
    public Task RetryAsync(DueSchedule schedule, DateTimeOffset retryAt, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var update = sql.Command("UPDATE schedules SET fire_at = $f, failures = failures + 1 WHERE group_name = $g AND name = $n", ("$f", retryAt.ToUnixTimeMilliseconds()), ("$g", schedule.Group), ("$n", schedule.Name));
            return update.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>ActionAfterCompletion NONE: the schedule stays, but a one-time schedule never fires again.</summary>
    public Task RetireAsync(DueSchedule schedule, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var update = sql.Command("UPDATE schedules SET fire_at = $f WHERE group_name = $g AND name = $n", ("$f", long.MaxValue), ("$g", schedule.Group), ("$n", schedule.Name));
            return update.ExecuteNonQuery();
        }, cancellationToken);
}
