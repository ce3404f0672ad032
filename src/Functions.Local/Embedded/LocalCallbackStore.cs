using Functions.Callbacks;
using Functions.Tasks;

namespace Functions.Local.Embedded;

/// <summary>The callback records of embedded mode.</summary>
public sealed class LocalCallbackStore(LocalDatabase database, TimeProvider time) : ICallbackStore
{
    public Task<bool> RecordOnceAsync(string webhookId, string kind, string payload, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var insert = sql.Command(
                "INSERT INTO callbacks (webhook_id, kind, payload, received_at) VALUES ($id, $k, $p, $t) ON CONFLICT DO NOTHING",
                ("$id", webhookId), ("$k", kind), ("$p", payload), ("$t", Timestamps.Format(time.GetUtcNow())));
            return insert.ExecuteNonQuery() == 1;
        }, cancellationToken);
}
