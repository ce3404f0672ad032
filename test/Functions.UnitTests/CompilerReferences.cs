using Microsoft.CodeAnalysis;

namespace Functions.UnitTests;

/// <summary>What a compilation made in a test references: the platform, and the assemblies beside the tests.</summary>
internal static class CompilerReferences
{
    /// <param name="exclude">Files of the test folder to leave out (e.g. an assembly whose source is compiled instead).</param>
    public static IEnumerable<MetadataReference> All(Func<string, bool>? exclude = null)
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var beside = Directory.GetFiles(AppContext.BaseDirectory, "*.dll").Where(f => exclude is null || !exclude(Path.GetFileName(f)));
        return platform.Concat(beside).DistinctBy(Path.GetFileName).Select(f => MetadataReference.CreateFromFile(f));
    }
}
