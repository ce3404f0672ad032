using Functions.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Functions.UnitTests.Architecture;

/// <summary>
/// The folders of src/Functions as one-way layers (docs/architecture.md). Which folder uses which is read from the
/// compiler's binding of every name in every file (using directives, qualified and simple names alike), so no
/// spelling slips past. The composition root and the one JSON context (Serialization, used by every folder) name
/// every type by design and are left out.
/// </summary>
public sealed class LayeringTests
{
    private static readonly string Source = Path.Combine(Repository.Root, "src", "Functions");
    private static readonly HashSet<string> Exempt = new(StringComparer.Ordinal) { "CompositionRoot.cs", "ServiceRegistration.cs", "Startup.cs" };
    private static readonly Lazy<IReadOnlyDictionary<string, HashSet<string>>> Graph = new(Build);

    /// <summary>The adapters: they implement the domain's ports, and only the composition root may name them.</summary>
    private static readonly string[] Adapters = ["TaskStore", "Scheduler", "Queues", "Metrics"];

    [Fact]
    public void NoTwoFolders_UseEachOther_DirectlyOrAroundACycle()
    {
        var cycle = FindCycle(Graph.Value);

        Assert.True(cycle is null, $"The folders form a cycle: {string.Join(" -> ", cycle ?? [])}.\n{Describe(Graph.Value)}");
    }

    [Fact]
    public void TheDomain_UsesNoOtherFolder() =>
        Assert.True(Graph.Value["Tasks"].Count == 0, $"Tasks uses {string.Join(", ", Graph.Value["Tasks"])}.\n{Describe(Graph.Value)}");

    [Fact]
    public void Hosting_UsesNoApplicationFolder() =>
        Assert.True(Graph.Value["Hosting"].Count == 0, $"Hosting uses {string.Join(", ", Graph.Value["Hosting"])}.\n{Describe(Graph.Value)}");

    [Theory]
    [InlineData("Tasks")]
    [InlineData("Api")]
    [InlineData("Forwarder")]
    [InlineData("Callbacks")]
    public void TheDomainAndTheFunctions_NeverNameAnAdapter(string folder)
    {
        var named = Graph.Value[folder].Intersect(Adapters).ToList();

        Assert.True(named.Count == 0, $"{folder} uses the adapter(s) {string.Join(", ", named)}: depend on the domain's port instead.");
    }

    [Fact]
    public void TheGraphIsReadFromTheSource_NotEmpty()
    {
        // The check would pass vacuously if the files were not found or no name bound.
        Assert.Contains("Tasks", Graph.Value["Api"]);
        Assert.Contains("Hosting", Graph.Value["Forwarder"]);
        Assert.Contains("Tasks", Graph.Value["TaskStore"]);
    }

    private static Dictionary<string, HashSet<string>> Build()
    {
        var folders = Directory.GetDirectories(Source).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToHashSet(StringComparer.Ordinal)!;
        var trees = Directory.GetFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), new CSharpParseOptions(LanguageVersion.Preview), f))
            .ToList();
        var compilation = CSharpCompilation.Create("Layering", trees, CompilerReferences.All(file => file.StartsWith("Functions", StringComparison.Ordinal) && file != "Functions.Webhooks.dll"), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var graph = folders.ToDictionary(f => f!, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var tree in trees)
        {
            var relative = Path.GetRelativePath(Source, tree.FilePath).Split(Path.DirectorySeparatorChar);
            if (relative.Length < 2 || Exempt.Contains(relative[^1]) || relative[0] == "Serialization")
            {
                continue;
            }

            var folder = relative[0];
            var model = compilation.GetSemanticModel(tree);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var info = model.GetSymbolInfo(name);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                var used = FolderOf(symbol);
                if (used is not null && used != folder && used != "Serialization" && folders.Contains(used))
                {
                    graph[folder].Add(used);
                }
            }
        }

        return graph;
    }

    private static string? FolderOf(ISymbol? symbol)
    {
        var ns = symbol switch
        {
            null => null,
            INamespaceSymbol n => n,
            _ => symbol.ContainingNamespace,
        };
        var parts = ns?.ToDisplayString().Split('.');
        return parts is { Length: >= 2 } && parts[0] == "Functions" ? parts[1] : null;
    }

    private static List<string>? FindCycle(IReadOnlyDictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph.TryGetValue(node, out var edges) ? edges.Order(StringComparer.Ordinal).ToList() : [])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return [.. path.SkipWhile(n => n != next), next];
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    private static string Describe(IReadOnlyDictionary<string, HashSet<string>> graph) =>
        string.Join("\n", graph.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"  {g.Key} -> {string.Join(", ", g.Value.Order(StringComparer.Ordinal))}"));
}
