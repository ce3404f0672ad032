using Functions.Tasks;

namespace Functions.UnitTests.Tasks;

public sealed class TaskStateMachineTests
{
    public static TheoryData<TaskState, TaskState> LegalMoves => new()
    {
        { TaskState.Pending, TaskState.Scheduled },
        { TaskState.Pending, TaskState.Failed },
        { TaskState.Pending, TaskState.Running },
        { TaskState.Pending, TaskState.Cancelled },
        { TaskState.Scheduled, TaskState.Running },
        { TaskState.Scheduled, TaskState.Cancelled },
        { TaskState.Running, TaskState.Succeeded },
        { TaskState.Running, TaskState.Retrying },
        { TaskState.Running, TaskState.Failed },
        { TaskState.Retrying, TaskState.Running },
        { TaskState.Retrying, TaskState.Cancelled },
        { TaskState.Failed, TaskState.Pending },
        { TaskState.Succeeded, TaskState.Pending },
    };

    [Theory]
    [MemberData(nameof(LegalMoves))]
    public void CanMove_AllowsEachLegalMove(TaskState from, TaskState to) => Assert.True(TaskStateMachine.CanMove(from, to));

    [Fact]
    public void CanMove_RefusesEveryOtherMove()
    {
        var legal = LegalMoves.Select(row => ((TaskState)row[0], (TaskState)row[1])).ToHashSet();
        foreach (var from in Enum.GetValues<TaskState>())
        {
            foreach (var to in Enum.GetValues<TaskState>())
            {
                Assert.Equal(legal.Contains((from, to)), TaskStateMachine.CanMove(from, to));
            }
        }
    }

    [Theory]
    [InlineData(TaskState.Succeeded)]
    [InlineData(TaskState.Failed)]
    [InlineData(TaskState.Cancelled)]
    public void FinalStates_LeadOnlyBackToPending_ByARetry_AndCancelledNowhere(TaskState final)
    {
        Assert.True(TaskStateMachine.IsFinal(final));
        Assert.All(Enum.GetValues<TaskState>(), to => Assert.Equal(to == TaskState.Pending && final != TaskState.Cancelled, TaskStateMachine.CanMove(final, to)));
    }

    [Fact]
    public void Names_RoundTrip()
    {
        foreach (var state in Enum.GetValues<TaskState>())
        {
            Assert.True(TaskStateMachine.TryParse(TaskStateMachine.Name(state), out var parsed));
            Assert.Equal(state, parsed);
        }

        Assert.False(TaskStateMachine.TryParse("Scheduled", out _));
    }

    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static TaskRecord TaskAt(TaskState status, DateTimeOffset runAt, DateTimeOffset? lease = null) => new()
    {
        TaskId = TaskIds.New(), Status = status, RunAt = runAt, Url = "https://example.com/", Method = "POST",
        Headers = new Dictionary<string, string>(), Data = "{}", MaxAttempts = 3, TimeoutSeconds = 30,
        CreatedAt = Now, UpdatedAt = Now, LeaseUntil = lease,
    };

    [Theory]
    [InlineData(TaskState.Pending, true)]
    [InlineData(TaskState.Scheduled, true)]
    [InlineData(TaskState.Retrying, true)]
    [InlineData(TaskState.Succeeded, false)]
    [InlineData(TaskState.Failed, false)]
    [InlineData(TaskState.Cancelled, false)]
    public void CanClaim_ADueTask_WhenItsStatusMayMoveToRunning(TaskState status, bool claimable) =>
        Assert.Equal(claimable, TaskStateMachine.CanClaim(TaskAt(status, Now), Now, Now));

    [Fact]
    public void CanClaim_NotBeforeItIsDue()
    {
        var task = TaskAt(TaskState.Retrying, Now.AddSeconds(10));

        Assert.False(TaskStateMachine.CanClaim(task, Now, Now.AddSeconds(9)));
        Assert.True(TaskStateMachine.CanClaim(task, Now, Now.AddSeconds(10)));
    }

    [Fact]
    public void CanClaim_ARunningTask_OnlyOnceItsLeaseHasRunOut()
    {
        Assert.False(TaskStateMachine.CanClaim(TaskAt(TaskState.Running, Now, lease: Now.AddSeconds(1)), Now, Now));
        Assert.False(TaskStateMachine.CanClaim(TaskAt(TaskState.Running, Now, lease: Now), Now, Now));
        Assert.True(TaskStateMachine.CanClaim(TaskAt(TaskState.Running, Now, lease: Now.AddTicks(-1)), Now, Now));
        Assert.False(TaskStateMachine.CanClaim(TaskAt(TaskState.Running, Now, lease: null), Now, Now));
    }
}
