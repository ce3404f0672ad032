using Functions.Tasks;
using Functions.Tasks.WakeUps;

namespace Functions.Local.Embedded;

/// <summary>
/// The queues of embedded mode, with SQS's delay and visibility semantics: delivery (wake-ups), dead-letter (the
/// system's: delivery messages past their receive count) and failed-deliveries (tasks that ended failed).
/// </summary>
public sealed class LocalDeliveryQueues(LocalDatabase database, TimeProvider time) : IQueuedWakeUps, IFailedDeliveryChannel
{
    public const string Delivery = "delivery";
    public const string DeadLetter = "dead-letter";
    public const string FailedDeliveries = "failed-deliveries";

    public Task SendAsync(WakeUpMessage message, int delaySeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Enqueue(Delivery, message.ToJson(), time.GetUtcNow().AddSeconds(delaySeconds), cancellationToken);
    }

    /// <summary>Parks a failed task's record on the failed-deliveries queue (<see cref="IFailedDeliveryChannel"/>).</summary>
    public Task SendAsync(string body, CancellationToken cancellationToken) =>
        Enqueue(FailedDeliveries, body, time.GetUtcNow(), cancellationToken);

    private Task<int> Enqueue(string queue, string body, DateTimeOffset visibleAt, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var insert = sql.Command("INSERT INTO messages (queue, body, visible_at) VALUES ($q, $b, $v)", ("$q", queue), ("$b", body), ("$v", visibleAt.ToUnixTimeMilliseconds()));
            return insert.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>The bodies of every message on <paramref name="queue"/>, visible or not, oldest first (an operator's look).</summary>
    public Task<List<string>> PeekAsync(string queue, CancellationToken cancellationToken) =>
        database.RunAsync(sql =>
        {
            var query = sql.Command("SELECT body FROM messages WHERE queue = $q ORDER BY id", ("$q", queue));
            using var reader = query.ExecuteReader();
            var bodies = new List<string>();
            while (reader.Read())
            {
                bodies.Add(reader.GetString(0));
            }

            return bodies;
        }, cancellationToken);

    /// <summary>Receives up to <paramref name="max"/> visible messages, hiding them for <paramref name="visibility"/>.</summary>
    public Task<List<DueMessage>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken) =>
        database.RunAsync(sql => Receive(sql, Delivery, time.GetUtcNow(), max, visibility), cancellationToken);

    /// <summary>SQS's receive on one queue: up to <paramref name="max"/> visible messages, each counted and hidden for <paramref name="visibility"/>.</summary>
    internal static List<DueMessage> Receive(SqlSession sql, string queue, DateTimeOffset now, int max, TimeSpan visibility)
    {
        var due = new List<DueMessage>();
        using (var reader = sql.Command("SELECT id, body, receives FROM messages WHERE queue = $q AND visible_at <= $now ORDER BY visible_at LIMIT $max", ("$q", queue), ("$now", now.ToUnixTimeMilliseconds()), ("$max", max)).ExecuteReader())
        {
            while (reader.Read())
            {
                due.Add(new DueMessage(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2) + 1));
            }
        }

        foreach (var message in due)
        {
            var hide = sql.Command("UPDATE messages SET visible_at = $v, receives = receives + 1 WHERE id = $id", ("$v", (now + visibility).ToUnixTimeMilliseconds()), ("$id", message.Id));
            hide.ExecuteNonQuery();
        }

        return due;
    }

    /// <summary>
    /// After a batch: deletes the messages that were handled and moves those that keep failing to the dead-letter
    /// queue (SQS's DeleteMessageBatch and redrive policy), in one transaction. The rest come back when their
    /// visibility ends.
    /// </summary>
    public Task SettleAsync(IReadOnlyCollection<long> done, IReadOnlyCollection<long> givenUp, CancellationToken cancellationToken) =>
        done.Count == 0 && givenUp.Count == 0 ? Task.CompletedTask : database.RunAsync(sql =>
        {
            foreach (var id in done)
            {
                sql.Command("DELETE FROM messages WHERE id = $id", ("$id", id)).ExecuteNonQuery();
            }

            foreach (var id in givenUp)
            {
                sql.Command("UPDATE messages SET queue = $q WHERE id = $id", ("$q", DeadLetter), ("$id", id)).ExecuteNonQuery();
            }

            return 0;
        }, cancellationToken);
}
