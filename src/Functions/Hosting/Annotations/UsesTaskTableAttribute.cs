namespace Functions.Hosting.Annotations;

/// <summary>
/// The function uses the tasks table: it gets the table's name and the retention setting, and the item actions
/// <paramref name="access"/> names, only on items whose partition key matches one of <paramref name="leadingKeys"/>
/// (e.g. <c>task#*</c>), plus Query on the indexes when asked.
/// </summary>
public sealed class UsesTaskTableAttribute(TableAccess access, params string[] leadingKeys) : ResourceBindingAttribute
{
    private static readonly (TableAccess Flag, string Action)[] ItemActions =
    [
        (TableAccess.Create, "dynamodb:PutItem"),
        (TableAccess.Read, "dynamodb:GetItem"),
        (TableAccess.Update, "dynamodb:UpdateItem"),
        (TableAccess.Delete, "dynamodb:DeleteItem"),
        (TableAccess.BatchRead, "dynamodb:BatchGetItem"),
    ];

    public TableAccess Access { get; } = access;

    public IReadOnlyList<string> LeadingKeys { get; } = leadingKeys;

    public override IReadOnlyList<EnvironmentSetting> Environment =>
    [
        new(SettingNames.TableName, StackReferences.TableName),
        new(SettingNames.RetentionDays, StackReferences.RetentionDaysValue),
    ];

    public override IReadOnlyList<PolicyStatement> Policies
    {
        get
        {
            var statements = new List<PolicyStatement>();
            if (Access.HasFlag(TableAccess.Query))
            {
                statements.Add(new(["dynamodb:Query"], [StackReferences.TableIndexesArn]));
            }

            var actions = ItemActions.Where(a => Access.HasFlag(a.Flag)).Select(a => a.Action).ToArray();
            if (actions.Length > 0)
            {
                // Item actions always come scoped to key prefixes: no function may touch the whole table.
                if (LeadingKeys.Count == 0)
                {
                    throw new InvalidOperationException($"[UsesTaskTable({Access})] names item actions without the partition-key prefixes they may touch.");
                }

                statements.Add(new(actions, [StackReferences.TableArn], LeadingKeys));
            }

            return statements;
        }
    }
}
