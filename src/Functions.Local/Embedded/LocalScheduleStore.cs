using System.Text.Json;
using Functions.Tasks;
using Functions.Tasks.Recurring;

namespace Functions.Local.Embedded;

/// <summary>
/// <see cref="IScheduleStore"/> on the embedded database, held to the DynamoDB store's contract: every write
/// conditional on the version read, idempotency keys per caller (in the tasks' key table, under the same
/// <c>{caller}/schedule</c> scope the DynamoDB store uses), listings newest first, stalled chains by sweep time.
/// </summary>
public sealed class LocalScheduleStore(LocalDatabase database) : IScheduleStore
{
    public Task<CreateOutcome> CreateAsync(RecurringSchedule schedule, string? fingerprint, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            if (schedule.IdempotencyKey is { } key && LocalIdempotency.Claim(sql, ScopedKey(schedule.Caller, key), schedule.ScheduleId, fingerprint) is { } taken)
            {
                return taken;
            }

            Write(sql, schedule, insert: true);
            return new CreateOutcome(true, null, null);
        }, cancellationToken);

    public Task<RecurringSchedule?> GetAsync(string scheduleId, CancellationToken cancellationToken) =>
        database.RunAsync(sql => Read(sql, scheduleId), cancellationToken);

    public Task<RecurringSchedule?> ReplaceAsync(RecurringSchedule schedule, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            if (Read(sql, schedule.ScheduleId) is not { } current || current.Version != schedule.Version)
            {
                return null;
            }

            var written = schedule with { Version = schedule.Version + 1 };
            Write(sql, written, insert: false);
            return written;
        }, cancellationToken);

    public Task<bool> DeleteAsync(RecurringSchedule schedule, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var deleted = sql.Command("DELETE FROM recurring WHERE schedule_id = $id", ("$id", schedule.ScheduleId)).ExecuteNonQuery() > 0;
            if (schedule.IdempotencyKey is { } key)
            {
                LocalIdempotency.Release(sql, ScopedKey(schedule.Caller, key), schedule.ScheduleId);
            }

            return deleted;
        }, cancellationToken);

    public Task<SchedulePage> ListAsync(string caller, ScheduleState? state, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var listing = $"schedules/{caller}/{(state is { } s ? ScheduleNames.Of(s) : "*")}";
        var (afterSort, afterId) = LocalPages.After(cursor, listing);
        return database.RunAsync(sql =>
        {
            var query = sql.Command(
                "SELECT json, created_at, version FROM recurring WHERE caller = $c AND ($state IS NULL OR state = $state) AND ($after IS NULL OR created_at < $after OR (created_at = $after AND schedule_id < $id)) ORDER BY created_at DESC, schedule_id DESC LIMIT $limit",
                ("$c", caller), ("$state", state is { } st ? ScheduleNames.Of(st) : null), ("$after", afterSort), ("$id", afterId), ("$limit", limit + 1));
            using var reader = query.ExecuteReader();
            var (schedules, next) = LocalPages.Read(reader, limit, listing, row => FromRow(row.GetString(0), row.GetInt32(2)), s => s.ScheduleId);
            return new SchedulePage(schedules, next);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListStalledAsync(DateTimeOffset until, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<string>>(sql =>
        {
            using var reader = sql.Command("SELECT schedule_id FROM recurring WHERE sweep_at IS NOT NULL AND sweep_at <= $until", ("$until", Timestamps.Format(until))).ExecuteReader();
            var ids = new List<string>();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }, cancellationToken);

    private static string ScopedKey(string caller, string key) => $"{caller}/schedule#{key}";

    private static RecurringSchedule? Read(SqlSession sql, string scheduleId)
    {
        using var reader = sql.Command("SELECT json, version FROM recurring WHERE schedule_id = $id", ("$id", scheduleId)).ExecuteReader();
        return reader.Read() ? FromRow(reader.GetString(0), reader.GetInt32(1)) : null;
    }

    private static RecurringSchedule FromRow(string json, int version) =>
        JsonSerializer.Deserialize(json, LocalJsonContext.Default.RecurringSchedule)! with { Version = version };

    private static void Write(SqlSession sql, RecurringSchedule schedule, bool insert)
    {
        var text = insert
            ? "INSERT INTO recurring (schedule_id, caller, created_at, state, sweep_at, version, json) VALUES ($id, $c, $created, $state, $sweep, $v, $j)"
            : "UPDATE recurring SET state = $state, sweep_at = $sweep, version = $v, json = $j WHERE schedule_id = $id";
        sql.Command(text,
            ("$id", schedule.ScheduleId), ("$c", schedule.Caller), ("$created", Timestamps.Format(schedule.CreatedAt)), ("$state", ScheduleNames.Of(schedule.State)),
            ("$sweep", schedule.SweepAt is { } at ? Timestamps.Format(at) : null), ("$v", schedule.Version), ("$j", JsonSerializer.Serialize(schedule, LocalJsonContext.Default.RecurringSchedule))).ExecuteNonQuery();
    }
}
