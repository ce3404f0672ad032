namespace Functions.Hosting;

/// <summary>Every function of this executable. <c>All</c> is source-generated from the [LambdaFunction] attributes.</summary>
public static partial class FunctionCatalog
{
    /// <summary>The function whose <see cref="FunctionDescriptor.Name"/> is <paramref name="name"/>, or null.</summary>
    public static FunctionDescriptor? Find(string name)
    {
        foreach (var function in All)
        {
            if (string.Equals(function.Name, name, StringComparison.Ordinal))
            {
                return function;
            }
        }

        return null;
    }
}
