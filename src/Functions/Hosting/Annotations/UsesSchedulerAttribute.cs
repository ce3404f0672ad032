namespace Functions.Hosting.Annotations;

/// <summary>
/// The function arms or disarms wake-ups as one-time EventBridge Scheduler schedules in the stack's group: it gets
/// the group, the role Scheduler assumes, the forwarder as the target and the dead-letter queue for what Scheduler
/// cannot deliver; and only the schedule actions <paramref name="access"/> names, only in that group.
/// </summary>
public sealed class UsesSchedulerAttribute(SchedulerAccess access) : ResourceBindingAttribute
{
    public SchedulerAccess Access { get; } = access;

    public override IReadOnlyList<EnvironmentSetting> Environment =>
    [
        new(SettingNames.ScheduleGroup, StackReferences.ScheduleGroupName),
        new(SettingNames.SchedulerRoleArn, StackReferences.SchedulerRoleArn),
        new(SettingNames.ForwarderArn, StackReferences.ForwarderArn),
        new(SettingNames.DeadLetterQueueArn, StackReferences.DeadLetterQueueArn),
    ];

    public override IReadOnlyList<PolicyStatement> Policies
    {
        get
        {
            var actions = new List<string>();
            if (Access.HasFlag(SchedulerAccess.Create))
            {
                actions.AddRange(["scheduler:CreateSchedule", "scheduler:GetSchedule"]);
            }

            if (Access.HasFlag(SchedulerAccess.Delete))
            {
                actions.Add("scheduler:DeleteSchedule");
            }

            var statements = new List<PolicyStatement> { new(actions, [StackReferences.GroupSchedulesArn]) };
            if (Access.HasFlag(SchedulerAccess.Create))
            {
                statements.Add(new(["iam:PassRole"], [StackReferences.SchedulerRoleArn], PassedToService: "scheduler.amazonaws.com"));
            }

            return statements;
        }
    }
}
