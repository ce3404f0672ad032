using Functions.Hosting;
using Functions.Template;

// Usage: dotnet run --project src/Functions.Template [-- [--check] [path]]
// Writes serverless.template at the repository root (the folder holding Functions.sln) unless a path is given.
var check = args.Contains("--check");
var path = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? Path.Combine(FindRoot(), TemplateBuilder.FileName);
var rendered = TemplateBuilder.Render(FunctionCatalog.All);
var current = File.Exists(path) ? await File.ReadAllTextAsync(path) : null;
if (check)
{
    if (current == rendered)
    {
        Console.WriteLine($"{path} is up to date ({FunctionCatalog.All.Count} functions).");
        return 0;
    }

    await Console.Error.WriteLineAsync($"{path} differs from the handler attributes: run `dotnet run --project src/Functions.Template`.");
    return 1;
}

await File.WriteAllTextAsync(path, rendered);
Console.WriteLine($"{(current == rendered ? "Unchanged" : "Wrote")} {path}: {FunctionCatalog.All.Count} functions.");
return 0;

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
