using System.Collections.Immutable;
using Functions.Generators;
using Functions.Hosting.Annotations;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Functions.UnitTests.Template;

/// <summary>The catalog generator run on small sources, as the compiler runs it on src/Functions.</summary>
public sealed class GeneratorTests
{
    private static (string Source, ImmutableArray<Diagnostic> Diagnostics) Generate(string code)
    {
        var references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location))
            .Select(a => MetadataReference.CreateFromFile(a.Location))
            .Append(MetadataReference.CreateFromFile(typeof(LambdaFunctionAttribute).Assembly.Location));
        var compilation = CSharpCompilation.Create(
            "Sample",
            [CSharpSyntaxTree.ParseText(code)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var driver = CSharpGeneratorDriver.Create(new FunctionCatalogGenerator())
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var generated = driver.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith("FunctionCatalog.g.cs", StringComparison.Ordinal)).ToString();
        return (generated, diagnostics.AddRange(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("FNGEN", StringComparison.Ordinal))));
    }

    private const string Usings = """
        using System.IO;
        using System.Threading.Tasks;
        using Functions.Hosting;
        using Functions.Hosting.Annotations;
        using Functions.Hosting.Http;
        """;

    [Fact]
    public void PoliciesAndEnvironment_ReachTheDescriptor()
    {
        var (source, diagnostics) = Generate(Usings + """
            public sealed class Things
            {
                [LambdaFunction("GetThingFunction", MemorySize = 1024, Timeout = 20)]
                [HttpApi("get", "/things/{id}")]
                [Allow(["dynamodb:GetItem", "dynamodb:Query"], "${TasksTable.Arn}", "${TasksTable.Arn}/index/*")]
                [FunctionEnvironment("TASKS_TABLE_NAME", "${TasksTable}")]
                public Task<HttpApiResponse> Get(HttpApiRequest request, InvocationContext context) => Task.FromResult(new HttpApiResponse());

                [LambdaFunction("RawFunction")]
                public Task<Stream> Raw(Stream input, InvocationContext context) => Task.FromResult(input);
            }
            """);

        Assert.Empty(diagnostics);
        Assert.Contains("Name: \"GetThingFunction\"", source, StringComparison.Ordinal);
        Assert.Contains("MemorySize: 1024", source, StringComparison.Ordinal);
        Assert.Contains("new global::Functions.Hosting.Http.HttpRoute(\"GET\", \"/things/{id}\")", source, StringComparison.Ordinal);
        Assert.Contains("new global::Functions.Hosting.Annotations.AllowAttribute(new string[] { \"dynamodb:GetItem\", \"dynamodb:Query\" }, new string[] { \"${TasksTable.Arn}\", \"${TasksTable.Arn}/index/*\" })", source, StringComparison.Ordinal);
        Assert.Contains("new global::Functions.Hosting.Annotations.FunctionEnvironmentAttribute(\"TASKS_TABLE_NAME\", \"${TasksTable}\")", source, StringComparison.Ordinal);
        Assert.Contains("Name: \"RawFunction\"", source, StringComparison.Ordinal);
        Assert.True(source.IndexOf("GetThingFunction", StringComparison.Ordinal) < source.IndexOf("RawFunction", StringComparison.Ordinal), "ordered by name");
    }

    [Fact]
    public void ClassLevelPoliciesAndEnvironment_ApplyToEveryFunctionOfTheClass()
    {
        var (source, diagnostics) = Generate(Usings + """
            [Allow(["ssm:GetParameter"], "${Param}")]
            [FunctionEnvironment("SHARED", "yes")]
            public sealed class Pair
            {
                [LambdaFunction("AFunction")]
                [Allow(["dynamodb:GetItem"], "${TasksTable.Arn}")]
                public Stream A(Stream s, InvocationContext c) => s;

                [LambdaFunction("BFunction")]
                public Stream B(Stream s, InvocationContext c) => s;
            }
            """);

        Assert.Empty(diagnostics);
        Assert.Equal(2, source.Split("AllowAttribute(new string[] { \"ssm:GetParameter\" }").Length - 1);
        Assert.Equal(2, source.Split("FunctionEnvironmentAttribute(\"SHARED\", \"yes\")").Length - 1);
        Assert.Single(source.Split("dynamodb:GetItem").Skip(1));
    }

    [Fact]
    public void ResourceBindings_AreCopiedAsWritten_WithTheirFlagsAndKeyPrefixes_AndTheOutputCompiles()
    {
        var references = CompilerReferences.All();
        var compilation = CSharpCompilation.Create(
            "Bound",
            [CSharpSyntaxTree.ParseText(Usings + """
                [RequiresApiToken]
                public sealed class Guarded
                {
                    [LambdaFunction("GuardedFunction")]
                    [HttpApi("DELETE", "/things/{id}")]
                    [UsesTaskTable(TableAccess.Read | TableAccess.Update, "task#*", "idem#*")]
                    [UsesScheduler(SchedulerAccess.Delete)]
                    public HttpApiResponse Delete(HttpApiRequest request, InvocationContext context) => new();
                }
                """)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        CSharpGeneratorDriver.Create(new FunctionCatalogGenerator()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);

        var source = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("FunctionCatalog.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains("new global::Functions.Hosting.Annotations.RequiresApiTokenAttribute()", source, StringComparison.Ordinal);
        Assert.Contains("new global::Functions.Hosting.Annotations.UsesTaskTableAttribute((global::Functions.Hosting.Annotations.TableAccess)5, new string[] { \"task#*\", \"idem#*\" })", source, StringComparison.Ordinal);
        Assert.Contains("new global::Functions.Hosting.Annotations.UsesSchedulerAttribute((global::Functions.Hosting.Annotations.SchedulerAccess)2)", source, StringComparison.Ordinal);
        Assert.True(source.IndexOf("RequiresApiTokenAttribute", StringComparison.Ordinal) < source.IndexOf("UsesTaskTableAttribute", StringComparison.Ordinal), "the class's bindings come first");
    }

    [Theory]
    [InlineData("""[LambdaFunction("F")] [HttpApi("GET", "/x")] public string M(HttpApiRequest r, InvocationContext c) => "";""", "FNGEN001")]
    [InlineData("""[LambdaFunction("F")] public Stream M(Stream s) => s;""", "FNGEN001")]
    [InlineData("""[LambdaFunction("Bad-Name")] public Stream M(Stream s, InvocationContext c) => s;""", "FNGEN002")]
    [InlineData("""[LambdaFunction("F", MemorySize = 64)] public Stream M(Stream s, InvocationContext c) => s;""", "FNGEN002")]
    [InlineData("""[LambdaFunction("F")] [HttpApi("TRACE", "/x")] public HttpApiResponse M(HttpApiRequest r, InvocationContext c) => new();""", "FNGEN002")]
    [InlineData("""[LambdaFunction("F")] [Allow(["dynamodb:*"], "${TasksTable.Arn}")] public Stream M(Stream s, InvocationContext c) => s;""", "FNGEN002")]
    [InlineData("""[LambdaFunction("F")] public Stream M(Stream s, InvocationContext c) => s; [LambdaFunction("F")] public Stream N(Stream s, InvocationContext c) => s;""", "FNGEN003")]
    [InlineData("""[LambdaFunction("F")] [HttpApi("GET", "/x")] public HttpApiResponse M(HttpApiRequest r, InvocationContext c) => new(); [LambdaFunction("G")] [HttpApi("GET", "/x")] public HttpApiResponse N(HttpApiRequest r, InvocationContext c) => new();""", "FNGEN003")]
    public void AMistakeInTheAttributesOrSignature_FailsTheBuild(string members, string id)
    {
        var (source, diagnostics) = Generate(Usings + "public sealed class C { " + members + " }");

        Assert.Contains(diagnostics, d => d.Id == id);
        Assert.DoesNotContain("Name: \"Bad-Name\"", source, StringComparison.Ordinal);
    }
}
