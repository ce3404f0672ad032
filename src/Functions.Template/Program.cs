using Functions.Hosting;
using Functions.Template;

// Usage: dotnet run --project src/Functions.Template [-- [--check] [folder]]
// Writes serverless.template and openapi.json at the repository root (the folder holding Functions.sln) unless a
// folder is given; with --check, writes nothing and fails when either differs from what the handlers say.
var check = args.Contains("--check");
var folder = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? FindRoot();
var failed = false;
foreach (var (name, rendered) in new[]
{
    (TemplateBuilder.FileName, TemplateBuilder.Render(FunctionCatalog.All)),
    (OpenApiBuilder.FileName, OpenApiBuilder.Render(FunctionCatalog.All)),
})
{
    var path = Path.Combine(folder, name);
    var current = File.Exists(path) ? await File.ReadAllTextAsync(path) : null;
    if (check)
    {
        if (current == rendered)
        {
            Console.WriteLine($"{path} is up to date ({FunctionCatalog.All.Count} functions).");
            continue;
        }

        await Console.Error.WriteLineAsync($"{path} differs from the handler attributes: run `dotnet run --project src/Functions.Template`.");
        failed = true;
        continue;
    }

    await File.WriteAllTextAsync(path, rendered);
    Console.WriteLine($"{(current == rendered ? "Unchanged" : "Wrote")} {path}: {FunctionCatalog.All.Count} functions.");
}

return failed ? 1 : 0;

static string FindRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Run inside the repository: no Functions.sln above the current folder.");
}
