using Functions.Hosting;
using Functions.Hosting.Annotations;

namespace Functions.Forwarder;

/// <summary>Every five minutes, re-arms the tasks whose wake-up was lost (<see cref="LostWakeUpSweeper"/>).</summary>
public sealed class SweeperFunction(LostWakeUpSweeper sweeper)
{
    private static readonly byte[] Done = "{}"u8.ToArray();

    [LambdaFunction("SweeperFunction", MemorySize = 256, Timeout = 300, Description = "Re-arms tasks whose wake-up was lost, and recurring schedules whose chain stopped (safety net).")]
    [RecurringSchedule("rate(5 minutes)")]
    [UsesTaskTable(TableAccess.Query | TableAccess.Update | TableAccess.BatchRead, "task#*")]
    [UsesTaskTable(TableAccess.Read | TableAccess.Create, "sweep#*")]
    [UsesTaskTable(TableAccess.Read, "schedule#*")]
    [UsesScheduler(SchedulerAccess.Create)]
    [UsesDeliveryQueue]
    public async Task<Stream> Sweep(Stream @event, InvocationContext context)
    {
        await sweeper.SweepAsync(context).ConfigureAwait(false);
        return new MemoryStream(Done);
    }
}
