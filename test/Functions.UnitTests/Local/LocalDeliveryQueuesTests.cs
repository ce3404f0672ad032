using Functions.Local.Embedded;
using Functions.Tasks.WakeUps;
using Microsoft.Extensions.Time.Testing;

namespace Functions.UnitTests.Local;

/// <summary>The runner's delivery queue after a batch: what the forwarder handled goes, what keeps failing is parked.</summary>
public sealed class LocalDeliveryQueuesTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"local-queues-{Guid.NewGuid():N}.db");
    private readonly LocalDatabase _database;

    public LocalDeliveryQueuesTests() => _database = new LocalDatabase(_path);

    [Fact]
    public async Task SettlingABatch_DeletesWhatWasHandled_AndParksWhatKeptFailing()
    {
        var queues = new LocalDeliveryQueues(_database, new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        foreach (var task in new[] { "handled", "given-up", "to-retry" })
        {
            await queues.SendAsync(new WakeUpMessage { TaskId = task }, 0, CancellationToken.None);
        }

        var received = await queues.ReceiveAsync(10, TimeSpan.Zero, CancellationToken.None);
        long Id(string task) => received.Single(m => m.Body.Contains(task, StringComparison.Ordinal)).Id;
        await queues.SettleAsync([Id("handled")], [Id("given-up")], CancellationToken.None);

        Assert.Contains("to-retry", Assert.Single(await queues.PeekAsync(LocalDeliveryQueues.Delivery, CancellationToken.None)), StringComparison.Ordinal);
        Assert.Contains("given-up", Assert.Single(await queues.PeekAsync(LocalDeliveryQueues.DeadLetter, CancellationToken.None)), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _database.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
