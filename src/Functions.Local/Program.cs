using Functions.Hosting.Http;
using Functions.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// dotnet run --project src/Functions.Local [-- --urls http://127.0.0.1:5050] [--aws-endpoint http://127.0.0.1:PORT] [--data-dir .local]
// dotnet run --project src/Functions.Local -- invoke <Function> --event events/<file>.json [--aws-endpoint ...] [--data-dir ...]
if (args.FirstOrDefault() == InvokeCommand.Name)
{
    return await InvokeCommand.RunAsync(args, Console.Out, Console.Error);
}

var app = await LocalRunner.BuildAsync(args);
var options = app.Services.GetRequiredService<RunnerOptions>();
await app.StartAsync();
var url = app.Urls.First().TrimEnd('/');
Console.WriteLine($"Functions local runner on {url}");
Console.WriteLine(options.AwsEndpoint is null
    ? $"  tasks, schedules and queued wake-ups kept in {Path.Combine(options.DataDirectory, "runner.db")} (embedded)"
    : $"  DynamoDB, EventBridge Scheduler and SQS at {options.AwsEndpoint}; this runner fires their schedules and queue");
Console.WriteLine("Settings:");
foreach (var line in options.Printed)
{
    Console.WriteLine(line);
}

Console.WriteLine("Routes:");
foreach (var route in RouteTable.FromCatalog().Routes)
{
    Console.WriteLine(route.IsDefault ? "  (any other request: 404 or 405 problem+json, the default route)" : $"  {route.Method,-6} {url}{route.Template}");
}

// The local default token is shown as it is; one set in the environment only by its name.
var token = options.Settings[Functions.Hosting.SettingNames.ApiToken] == LocalRunner.DefaultToken ? LocalRunner.DefaultToken : "$TASKS_API_TOKEN";
Console.WriteLine("Try (a signed delivery to this runner's own callback in 5 seconds):");
Console.WriteLine($$$"""  curl -s -X POST {{{url}}}/api/v1/tasks/schedule -H "Authorization: Bearer {{{token}}}" -H "Content-Type: application/json" -d '{"delay_seconds": 5, "data": {"task_id": 123, "user_id": 456, "action": "test"}}'""");
Console.WriteLine($"Operator console: {url}/console (sign in with an API key); API description: {url}/api/v1/openapi.json");
Console.WriteLine("Ctrl+C stops it; accepted tasks are kept and delivered after a restart.");
await app.WaitForShutdownAsync();
return 0;
