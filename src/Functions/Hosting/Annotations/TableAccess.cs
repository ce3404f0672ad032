namespace Functions.Hosting.Annotations;

/// <summary>What a function may do with the tasks table; each flag is one DynamoDB action.</summary>
[Flags]
public enum TableAccess
{
    None = 0,

    /// <summary>dynamodb:GetItem on the items whose keys the binding names.</summary>
    Read = 1,

    /// <summary>dynamodb:PutItem (also what TransactWriteItems needs for a Put).</summary>
    Create = 2,

    /// <summary>dynamodb:UpdateItem.</summary>
    Update = 4,

    /// <summary>dynamodb:DeleteItem.</summary>
    Delete = 8,

    /// <summary>dynamodb:Query on the table's indexes (listings).</summary>
    Query = 16,

    /// <summary>dynamodb:BatchGetItem (a listing reads the tasks its index entries name).</summary>
    BatchRead = 32,
}
