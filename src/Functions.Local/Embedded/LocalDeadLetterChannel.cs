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
        database.RunAsync<IReadOnlyList<SystemDeadLetter>>(
            sql => [.. LocalDeliveryQueues.Receive(sql, LocalDeliveryQueues.DeadLetter, time.GetUtcNow(), max, hideFor).Select(m =>
            {
                var id = m.Id.ToString(CultureInfo.InvariantCulture);
                return new SystemDeadLetter(id, m.Body, null, m.Receives, id);
            })],
            cancellationToken);

    public Task DeleteAsync(SystemDeadLetter message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return database.RunAsync(sql => sql.Command("DELETE FROM messages WHERE id = $id AND queue = $q",
            ("$id", long.Parse(message.Handle, CultureInfo.InvariantCulture)), ("$q", LocalDeliveryQueues.DeadLetter)).ExecuteNonQuery(), cancellationToken);
    }
}
