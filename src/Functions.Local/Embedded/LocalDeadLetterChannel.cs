using System.Globalization;
using Functions.Tasks.DeadLetters;

namespace Functions.Local.Embedded;

/// <summary>
/// The system dead-letter queue of embedded mode (<see cref="LocalDeliveryQueues.DeadLetter"/>), with SQS's
/// semantics: a look takes nothing, a receive hides its messages for a while, a delete removes one.
/// </summary>
public sealed class LocalDeadLetterChannel(LocalDatabase database, TimeProvider time) : ISystemDeadLetterChannel
{
    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        database.RunAsync(sql => (long)sql.Command("SELECT COUNT(*) FROM messages WHERE queue = $q", ("$q", LocalDeliveryQueues.DeadLetter)).ExecuteScalar()!, cancellationToken);

    public Task<IReadOnlyList<SystemDeadLetter>> PeekAsync(int max, CancellationToken cancellationToken) =>
        ReceiveAsync(max, TimeSpan.Zero, cancellationToken);

    public Task<IReadOnlyList<SystemDeadLetter>> ReceiveAsync(int max, TimeSpan hideFor, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<SystemDeadLetter>>(sql =>
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var found = new List<SystemDeadLetter>();
            using (var reader = sql.Command(
                "SELECT id, body, receives FROM messages WHERE queue = $q AND visible_at <= $now ORDER BY id LIMIT $max",
                ("$q", LocalDeliveryQueues.DeadLetter), ("$now", now), ("$max", max)).ExecuteReader())
            {
                while (reader.Read())
                {
                    var id = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
                    found.Add(new SystemDeadLetter(id, reader.GetString(1), null, reader.GetInt32(2) + 1, id));
                }
            }

            foreach (var message in found)
            {
                sql.Command("UPDATE messages SET visible_at = $v, receives = receives + 1 WHERE id = $id",
                    ("$v", now + (long)hideFor.TotalMilliseconds), ("$id", long.Parse(message.Handle, CultureInfo.InvariantCulture))).ExecuteNonQuery();
            }

            return found;
        }, cancellationToken);

    public Task DeleteAsync(SystemDeadLetter message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return database.RunAsync(sql => sql.Command("DELETE FROM messages WHERE id = $id AND queue = $q",
            ("$id", long.Parse(message.Handle, CultureInfo.InvariantCulture)), ("$q", LocalDeliveryQueues.DeadLetter)).ExecuteNonQuery(), cancellationToken);
    }
}
