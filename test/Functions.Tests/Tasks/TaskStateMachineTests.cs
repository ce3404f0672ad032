using Functions.Tasks;

namespace Functions.Tests.Tasks;

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
    public void FinalStates_HaveNoWayOut(TaskState final)
    {
        Assert.True(TaskStateMachine.IsFinal(final));
        Assert.All(Enum.GetValues<TaskState>(), to => Assert.False(TaskStateMachine.CanMove(final, to)));
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
}
