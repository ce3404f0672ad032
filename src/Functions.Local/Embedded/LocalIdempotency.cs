using Functions.Tasks;

namespace Functions.Local.Embedded;

/// <summary>Idempotency keys of the embedded stores (tasks' and schedules'), in one table: a key names the first item made with it.</summary>
internal static class LocalIdempotency
{
    /// <summary>Takes <paramref name="key"/> for <paramref name="id"/>; null when taken, else what the key already names.</summary>
    public static CreateOutcome? Claim(SqlSession sql, string key, string id, string? fingerprint)
    {
        if (sql.Command("INSERT INTO idempotency (key, task_id, fingerprint) VALUES ($k, $t, $f) ON CONFLICT (key) DO NOTHING", ("$k", key), ("$t", id), ("$f", fingerprint)).ExecuteNonQuery() == 1)
        {
            return null;
        }

        using var reader = sql.Command("SELECT task_id, fingerprint FROM idempotency WHERE key = $k", ("$k", key)).ExecuteReader();
        reader.Read();
        return new CreateOutcome(false, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    /// <summary>Frees <paramref name="key"/> if it still names <paramref name="id"/>.</summary>
    public static void Release(SqlSession sql, string key, string id) =>
        sql.Command("DELETE FROM idempotency WHERE key = $k AND task_id = $t", ("$k", key), ("$t", id)).ExecuteNonQuery();
}
