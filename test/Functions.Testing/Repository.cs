using System.Reflection;

namespace Functions.Testing;

/// <summary>Paths in the repository, found from the test assembly's location.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The built Functions.dll, as the managed runtime runs it (`dotnet exec Functions.dll`).</summary>
    public static string FunctionsDll => Path.Combine(Root, "src", "Functions", "bin", Configuration, "net10.0", "Functions.dll");

    public static string Event(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "events", name));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No Functions.sln above " + AppContext.BaseDirectory);
    }
}
