using Microsoft.Extensions.Hosting;
using Functions.Hosting.Http;
using Functions.Local;

// dotnet run --project src/Functions.Local [-- --urls http://127.0.0.1:5050]
var app = LocalRunner.Build(args);
await app.StartAsync();
var url = app.Urls.First();
Console.WriteLine($"Functions local runner on {url}");
foreach (var route in RouteTable.FromCatalog().Routes)
{
    Console.WriteLine($"  {route.Method,-6} {url}{route.Template}");
}

Console.WriteLine($"Try: curl -s {url}/api/v1/health");
Console.WriteLine("Ctrl+C stops it.");
await app.WaitForShutdownAsync();
