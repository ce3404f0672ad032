using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Functions.Generators;

/// <summary>
/// Emits <c>Functions.Hosting.FunctionCatalog.All</c>: one descriptor per method marked [LambdaFunction],
/// carrying what its attributes say (resource name, memory, timeout, route, event sources) and its resource
/// bindings (every attribute derived from ResourceBindingAttribute, on the class then the method, copied as the
/// constructor call it is written as), and a factory that builds its entry point without reflection.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class FunctionCatalogGenerator : IIncrementalGenerator
{
    private const string Ns = "Functions.Hosting";
    private const string LambdaFunctionAttribute = Ns + ".Annotations.LambdaFunctionAttribute";
    private const string HttpApiAttribute = Ns + ".Annotations.HttpApiAttribute";
    private const string AllowAttribute = Ns + ".Annotations.AllowAttribute";
    private const string ResourceBindingAttribute = Ns + ".Annotations.ResourceBindingAttribute";
    private const string SqsEventAttribute = Ns + ".Annotations.SqsEventAttribute";
    private const string AsyncInvocationAttribute = Ns + ".Annotations.AsyncInvocationAttribute";
    private const string RecurringScheduleAttribute = Ns + ".Annotations.RecurringScheduleAttribute";
    private const string HttpRequestType = Ns + ".Http.HttpApiRequest";
    private const string HttpResponseType = Ns + ".Http.HttpApiResponse";
    private const string ContextType = Ns + ".InvocationContext";

    private static readonly Regex LogicalId = new("^[A-Za-z0-9]{1,64}$");
    private const string DefaultRoute = "$default";
    private static readonly string[] HttpMethods = { "GET", "POST", "PUT", "PATCH", "DELETE" };

    private static readonly DiagnosticDescriptor BadSignature = new(
        "FNGEN001", "Unsupported handler signature",
        "'{0}' must be a public instance method taking ({1}, Functions.Hosting.InvocationContext) and returning {2}, Task<{2}> or ValueTask<{2}>",
        "Functions", DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static readonly DiagnosticDescriptor BadAttribute = new(
        "FNGEN002", "Invalid function attribute", "{0}", "Functions", DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static readonly DiagnosticDescriptor Duplicate = new(
        "FNGEN003", "Duplicate function", "{0}", "Functions", DiagnosticSeverity.Error, isEnabledByDefault: true);

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var functions = context.SyntaxProvider.ForAttributeWithMetadataName(
            LambdaFunctionAttribute,
            static (node, _) => node is MethodDeclarationSyntax,
            static (ctx, ct) => Read(ctx, ct));
        context.RegisterSourceOutput(functions.Collect(), Emit);
    }

    private enum ReturnShape
    {
        Sync,
        Task,
        ValueTask,
    }

    private sealed class FunctionModel
    {
        public string Name = "";
        public string DeclaringType = "";
        public string Method = "";
        public string? Description;
        public string? FunctionName;
        public string? ReservedConcurrency;
        public string? QueueConcurrency;
        public int MemorySize = 512;
        public int Timeout = 15;
        public string? HttpMethod;
        public string? HttpPath;
        public ReturnShape Shape;
        public readonly List<string> Bindings = new();
        public string? Queue;
        public string? Recurring;
        public int BatchSize = 10;
        public bool Async;
        public int AsyncRetries = 2;
        public int AsyncMaxAge = 21600;
        public string? AsyncFailureQueue;
        public readonly List<Diagnostic> Diagnostics = new();
        public Location? Location;
    }

    private static FunctionModel Read(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        var method = (IMethodSymbol)ctx.TargetSymbol;
        var model = new FunctionModel
        {
            Method = method.Name,
            DeclaringType = method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            Location = method.Locations.FirstOrDefault(),
        };

        var allows = new List<AttributeData>();

        // The class's bindings first (shared by its functions), then the method's own.
        foreach (var attribute in method.ContainingType.GetAttributes().Concat(method.GetAttributes()))
        {
            ct.ThrowIfCancellationRequested();
            switch (attribute.AttributeClass?.ToDisplayString())
            {
                case LambdaFunctionAttribute:
                    model.Name = attribute.ConstructorArguments[0].Value as string ?? "";
                    foreach (var named in attribute.NamedArguments)
                    {
                        switch (named.Key)
                        {
                            case "MemorySize": model.MemorySize = (int)named.Value.Value!; break;
                            case "Timeout": model.Timeout = (int)named.Value.Value!; break;
                            case "Description": model.Description = named.Value.Value as string; break;
                            case "FunctionName": model.FunctionName = named.Value.Value as string; break;
                            case "ReservedConcurrency": model.ReservedConcurrency = named.Value.Value as string; break;
                        }
                    }

                    break;
                case HttpApiAttribute:
                    model.HttpMethod = (attribute.ConstructorArguments[0].Value as string ?? "").ToUpperInvariant();
                    model.HttpPath = attribute.ConstructorArguments[1].Value as string ?? "";
                    break;
                case SqsEventAttribute:
                    model.Queue = attribute.ConstructorArguments[0].Value as string;
                    foreach (var named in attribute.NamedArguments)
                    {
                        switch (named.Key)
                        {
                            case "BatchSize": model.BatchSize = (int)named.Value.Value!; break;
                            case "MaximumConcurrency": model.QueueConcurrency = named.Value.Value as string; break;
                        }
                    }

                    break;
                case RecurringScheduleAttribute:
                    model.Recurring = attribute.ConstructorArguments[0].Value as string;
                    break;
                case AsyncInvocationAttribute:
                    model.Async = true;
                    foreach (var named in attribute.NamedArguments)
                    {
                        switch (named.Key)
                        {
                            case "MaximumRetryAttempts": model.AsyncRetries = (int)named.Value.Value!; break;
                            case "MaximumEventAgeInSeconds": model.AsyncMaxAge = (int)named.Value.Value!; break;
                            case "OnFailureQueue": model.AsyncFailureQueue = named.Value.Value as string; break;
                        }
                    }

                    break;
                case var _ when IsBinding(attribute.AttributeClass):
                    model.Bindings.Add(Construct(attribute));
                    if (attribute.AttributeClass?.ToDisplayString() == AllowAttribute)
                    {
                        allows.Add(attribute);
                    }

                    break;
            }
        }

        foreach (var allow in allows)
        {
            CheckAllow(model, allow);
        }

        Check(model, method);
        return model;
    }

    private static string[] Strings(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Array
            ? constant.Values.Select(v => v.Value as string ?? "").ToArray()
            : new[] { constant.Value as string ?? "" };

    private static bool IsBinding(INamedTypeSymbol? type)
    {
        for (var current = type?.BaseType; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString() == ResourceBindingAttribute)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The attribute as the constructor call (and property assignments) it is written as.</summary>
    private static string Construct(AttributeData attribute)
    {
        var type = attribute.AttributeClass!.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        var arguments = string.Join(", ", attribute.ConstructorArguments.Select(Render));
        var named = attribute.NamedArguments.Select(n => $"{n.Key} = {Render(n.Value)}").ToList();
        return named.Count == 0 ? $"new {type}({arguments})" : $"new {type}({arguments}) {{ {string.Join(", ", named)} }}";
    }

    private static string Render(TypedConstant constant)
    {
        if (constant.IsNull)
        {
            return "null";
        }

        switch (constant.Kind)
        {
            case TypedConstantKind.Array:
                return $"new {constant.Type!.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)} {{ {string.Join(", ", constant.Values.Select(Render))} }}";
            case TypedConstantKind.Enum:
                return $"({constant.Type!.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}){System.Convert.ToString(constant.Value, System.Globalization.CultureInfo.InvariantCulture)}";
            case TypedConstantKind.Type:
                return $"typeof({((ITypeSymbol)constant.Value!).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)})";
            default:
                return constant.Value switch
                {
                    string text => Literal(text),
                    bool flag => flag ? "true" : "false",
                    _ => SymbolDisplay.FormatPrimitive(constant.Value!, quoteStrings: true, useHexadecimalNumbers: false),
                };
        }
    }

    private static void CheckAllow(FunctionModel model, AttributeData attribute)
    {
        var actions = attribute.ConstructorArguments.Length > 0 ? Strings(attribute.ConstructorArguments[0]) : System.Array.Empty<string>();
        var resources = attribute.ConstructorArguments.Length > 1 ? Strings(attribute.ConstructorArguments[1]) : System.Array.Empty<string>();
        if (actions.Length == 0 || resources.Length == 0)
        {
            model.Diagnostics.Add(Diagnostic.Create(BadAttribute, model.Location, $"{model.Name}: an [Allow] needs at least one action and one resource."));
        }

        foreach (var action in actions.Where(a => a.Contains("*")))
        {
            model.Diagnostics.Add(Diagnostic.Create(BadAttribute, model.Location, $"{model.Name}: action '{action}' uses a wildcard; name each action."));
        }
    }

    private static void Check(FunctionModel model, IMethodSymbol method)
    {
        void Fail(string message) => model.Diagnostics.Add(Diagnostic.Create(BadAttribute, model.Location, message));

        if (!LogicalId.IsMatch(model.Name))
        {
            Fail($"Function name '{model.Name}' must be 1-64 letters or digits (a CloudFormation logical id).");
        }

        if (model.MemorySize < 128 || model.MemorySize > 10240)
        {
            Fail($"{model.Name}: MemorySize {model.MemorySize} is outside 128-10240 MB.");
        }

        if (model.Timeout < 1 || model.Timeout > 900)
        {
            Fail($"{model.Name}: Timeout {model.Timeout} is outside 1-900 seconds.");
        }

        if (model.HttpMethod is not null && (model.HttpMethod == "ANY" || model.HttpPath == DefaultRoute))
        {
            // API Gateway's catch-all route: every request no other route matches.
            if (model.HttpMethod != "ANY" || model.HttpPath != DefaultRoute)
            {
                Fail($"{model.Name}: the default route is [HttpApi(\"ANY\", \"{DefaultRoute}\")], and ANY serves only it.");
            }
        }
        else if (model.HttpMethod is not null)
        {
            if (!HttpMethods.Contains(model.HttpMethod))
            {
                Fail($"{model.Name}: HTTP method '{model.HttpMethod}' is not one of {string.Join(", ", HttpMethods)}.");
            }

            if (model.HttpPath is null || !model.HttpPath.StartsWith("/", System.StringComparison.Ordinal))
            {
                Fail($"{model.Name}: route path '{model.HttpPath}' must start with '/'.");
            }
        }

        if (model.Recurring is not null && !(model.Recurring.StartsWith("rate(", System.StringComparison.Ordinal) || model.Recurring.StartsWith("cron(", System.StringComparison.Ordinal)))
        {
            Fail($"{model.Name}: a recurring schedule is rate(...) or cron(...), not '{model.Recurring}'.");
        }

        if (model.Queue is not null && (model.BatchSize < 1 || model.BatchSize > 10000))
        {
            Fail($"{model.Name}: SQS BatchSize {model.BatchSize} is outside 1-10000.");
        }

        if (model.Async && (model.AsyncRetries < 0 || model.AsyncRetries > 2 || model.AsyncMaxAge < 60 || model.AsyncMaxAge > 21600))
        {
            Fail($"{model.Name}: asynchronous invocation allows 0-2 retries and an event age of 60-21600 seconds.");
        }

        var http = model.HttpMethod is not null;
        var input = http ? HttpRequestType : "System.IO.Stream";
        var output = http ? HttpResponseType : "System.IO.Stream";
        var parameters = method.Parameters;
        var ok = method.DeclaredAccessibility == Accessibility.Public && !method.IsStatic && !method.IsGenericMethod
            && parameters.Length == 2
            && parameters[0].Type.ToDisplayString() == input
            && parameters[1].Type.ToDisplayString() == ContextType;
        var returns = method.ReturnType as INamedTypeSymbol;
        if (returns?.ToDisplayString() == output)
        {
            model.Shape = ReturnShape.Sync;
        }
        else if (returns is { IsGenericType: true } && returns.TypeArguments[0].ToDisplayString() == output
                 && returns.ConstructedFrom.ToDisplayString() is "System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask<TResult>")
        {
            model.Shape = returns.ConstructedFrom.Name == "Task" ? ReturnShape.Task : ReturnShape.ValueTask;
        }
        else
        {
            ok = false;
        }

        if (!ok)
        {
            model.Diagnostics.Add(Diagnostic.Create(BadSignature, model.Location, method.ToDisplayString(), input, output));
        }
    }

    private static void Emit(SourceProductionContext context, ImmutableArray<FunctionModel> functions)
    {
        var valid = new List<FunctionModel>();
        var names = new HashSet<string>();
        var routes = new HashSet<string>();
        foreach (var function in functions.OrderBy(f => f.Name, System.StringComparer.Ordinal))
        {
            foreach (var diagnostic in function.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic);
            }

            if (!names.Add(function.Name))
            {
                context.ReportDiagnostic(Diagnostic.Create(Duplicate, function.Location, $"Two functions are named '{function.Name}'."));
                continue;
            }

            if (function.HttpMethod is not null && !routes.Add(function.HttpMethod + " " + function.HttpPath))
            {
                context.ReportDiagnostic(Diagnostic.Create(Duplicate, function.Location, $"Two functions serve '{function.HttpMethod} {function.HttpPath}'."));
                continue;
            }

            if (function.Diagnostics.Count == 0)
            {
                valid.Add(function);
            }
        }

        var s = new StringBuilder();
        s.AppendLine("// <auto-generated/> by Functions.Generators.FunctionCatalogGenerator from the [LambdaFunction] attributes.");
        s.AppendLine("#nullable enable");
        s.AppendLine("using Microsoft.Extensions.DependencyInjection;");
        s.AppendLine("using Microsoft.Extensions.DependencyInjection.Extensions;");
        s.AppendLine();
        s.AppendLine("namespace Functions.Hosting;");
        s.AppendLine();
        s.AppendLine("public static partial class FunctionCatalog");
        s.AppendLine("{");
        s.AppendLine("    /// <summary>Every function of this executable, ordered by name.</summary>");
        s.AppendLine("    public static global::System.Collections.Generic.IReadOnlyList<FunctionDescriptor> All { get; } =");
        s.AppendLine("    [");
        foreach (var f in valid)
        {
            var route = f.HttpMethod is null ? "null" : $"new global::Functions.Hosting.Http.HttpRoute({Literal(f.HttpMethod)}, {Literal(f.HttpPath!)})";
            s.AppendLine("        new FunctionDescriptor(");
            s.AppendLine($"            Name: {Literal(f.Name)},");
            s.AppendLine($"            Handler: {Literal(f.DeclaringType.Replace("global::", "") + "." + f.Method)},");
            s.AppendLine($"            Description: {(f.Description is null ? "null" : Literal(f.Description))},");
            s.AppendLine($"            FunctionName: {(f.FunctionName is null ? "null" : Literal(f.FunctionName))},");
            s.AppendLine($"            ReservedConcurrency: {(f.ReservedConcurrency is null ? "null" : Literal(f.ReservedConcurrency))},");
            s.AppendLine($"            MemorySize: {f.MemorySize},");
            s.AppendLine($"            Timeout: {f.Timeout},");
            s.AppendLine($"            Route: {route},");
            s.AppendLine("            Bindings:");
            s.AppendLine("            [");
            foreach (var binding in f.Bindings)
            {
                s.AppendLine($"                {binding},");
            }

            s.AppendLine("            ],");
            s.AppendLine($"            Queue: {(f.Queue is null ? "null" : $"new QueueEventSource({Literal(f.Queue)}, {f.BatchSize}, {(f.QueueConcurrency is null ? "null" : Literal(f.QueueConcurrency))})")},");
            s.AppendLine($"            RecurringSchedule: {(f.Recurring is null ? "null" : Literal(f.Recurring))},");
            s.AppendLine($"            AsyncInvocation: {(f.Async ? $"new AsyncInvocationSettings({f.AsyncRetries}, {f.AsyncMaxAge}, {(f.AsyncFailureQueue is null ? "null" : Literal(f.AsyncFailureQueue))})" : "null")},");
            s.AppendLine($"            Register: static services => services.TryAddSingleton<{f.DeclaringType}>(),");
            s.AppendLine("            Create: static (services, function) =>");
            s.AppendLine("            {");
            s.AppendLine($"                var target = services.GetRequiredService<{f.DeclaringType}>();");
            if (f.HttpMethod is not null)
            {
                var call = f.Shape switch
                {
                    ReturnShape.Sync => $"new global::System.Threading.Tasks.ValueTask<global::Functions.Hosting.Http.HttpApiResponse>(target.{f.Method}(request, context))",
                    ReturnShape.Task => $"new global::System.Threading.Tasks.ValueTask<global::Functions.Hosting.Http.HttpApiResponse>(target.{f.Method}(request, context))",
                    _ => $"target.{f.Method}(request, context)",
                };
                s.AppendLine($"                return global::Functions.Hosting.Http.HttpApiEntryPoint.Create(function, services, (request, context) => {call});");
            }
            else
            {
                var call = f.Shape switch
                {
                    ReturnShape.Sync => $"global::System.Threading.Tasks.Task.FromResult(target.{f.Method}(@event, context))",
                    ReturnShape.Task => $"target.{f.Method}(@event, context)",
                    _ => $"target.{f.Method}(@event, context).AsTask()",
                };
                s.AppendLine($"                return (@event, context) => {call};");
            }

            s.AppendLine("            }),");
        }

        s.AppendLine("    ];");
        s.AppendLine("}");
        context.AddSource("FunctionCatalog.g.cs", s.ToString());
    }

    private static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
}
