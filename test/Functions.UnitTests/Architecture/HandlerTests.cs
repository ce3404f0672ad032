using Functions.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Functions.UnitTests.Architecture;

/// <summary>HTTP handlers bind, call one service and map the result: a few lines each, and none checks the token itself.</summary>
public sealed class HandlerTests
{
    private const int MaxBodyLines = 15;

    public static TheoryData<string> Handlers()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _, _) in Read())
        {
            data.Add(name);
        }

        return data;
    }

    private static IEnumerable<(string Name, MethodDeclarationSyntax Method, string File)> Read()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Repository.Root, "src", "Functions"), "*.cs", SearchOption.AllDirectories))
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                if (method.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() is "HttpApi" or "HttpApiAttribute"))
                {
                    yield return ($"{((TypeDeclarationSyntax)method.Parent!).Identifier.Text}.{method.Identifier.Text}", method, file);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Handlers))]
    public void AHandlerBody_IsAFewLines_AndLeavesTheTokenToTheEntryPoint(string handler)
    {
        var (_, method, _) = Read().Single(h => h.Name == handler);
        var body = (SyntaxNode?)method.Body ?? method.ExpressionBody!;
        var lines = body.SyntaxTree.GetLineSpan(body.Span);

        Assert.InRange(lines.EndLinePosition.Line - lines.StartLinePosition.Line + 1, 1, MaxBodyLines + 2);
        var text = body.ToString();
        Assert.DoesNotContain("authorization", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Authenticate", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHandlersAreFound() => Assert.True(Handlers().Count >= 9);
}
