using System.Diagnostics;
using System.Text.Json;
using Functions.Testing;
using Functions.Tests.Support;

namespace Functions.Tests.Local;

/// <summary>
/// `Functions.Local -- invoke &lt;Function&gt; --event &lt;file&gt;` (sam local invoke without Docker), run as a user runs it,
/// with every sample event in events/ on one embedded data folder. The HTTP events carry the placeholder token
/// "&lt;your API token&gt;", so the runner is given it as its bootstrap key.
/// </summary>
public sealed class InvokeCommandTests : IDisposable
{
    private const string Token = "<your API token>";
    private readonly string _data = Directory.CreateTempSubdirectory("invoke-").FullName;

    [Fact]
    public async Task EverySampleEvent_RunsItsFunction_AndPrintsTheResponse()
    {
        var expected = new (string Event, string Function, int? Status)[]
        {
            ("health.json", "HealthFunction", 200),
            ("schedule-task.json", "ScheduleTaskFunction", 202),
            // Its task id is the sample's own, not one scheduled here.
            ("get-task.json", "GetTaskFunction", 404),
            ("cancel-task.json", "CancelTaskFunction", 404),
            ("list-tasks.json", "ListTasksFunction", 200),
            // Signed long ago: the signature check refuses its timestamp.
            ("task-callback.json", "TaskCallbackFunction", 401),
            // API Gateway's default route: a path no route serves.
            ("not-found.json", "NotFoundFunction", 404),
            ("forwarder-schedule-input.json", "ForwarderFunction", null),
            ("create-schedule.json", "CreateScheduleFunction", 201),
            ("list-schedules.json", "ListSchedulesFunction", 200),
            ("preview-schedule.json", "PreviewScheduleFunction", 200),
            // The sample schedule id is not one created here.
            ("get-schedule.json", "GetScheduleFunction", 404),
            ("pause-schedule.json", "UpdateScheduleFunction", 404),
            ("run-schedule.json", "RunScheduleFunction", 404),
            ("list-schedule-runs.json", "ListScheduleRunsFunction", 404),
            ("delete-schedule.json", "DeleteScheduleFunction", 404),
            ("retry-task.json", "RetryTaskFunction", 404),
            ("list-dead-letters.json", "ListDeadLettersFunction", 200),
            ("redrive-dead-letters.json", "RedriveDeadLettersFunction", 200),
            ("get-openapi.json", "OpenApiFunction", 200),
            ("console.json", "ConsolePageFunction", 200),
            ("forwarder-schedule-occurrence.json", "ForwarderFunction", null),
            ("authorizer.json", "AuthorizerFunction", null),
            ("forwarder-sqs-batch.json", "ForwarderFunction", null),
        };
        Assert.Equal(Directory.GetFiles(Path.Combine(Repository.Root, "events"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal), expected.Select(e => e.Event).Order(StringComparer.Ordinal));

        foreach (var (file, function, status) in expected)
        {
            var run = await InvokeAsync(function, "--event", Path.Combine(Repository.Root, "events", file));

            Assert.True(run.ExitCode == 0, $"{file}: exit {run.ExitCode}: {run.Error}");
            using var response = JsonDocument.Parse(run.Output);
            if (status is { } code)
            {
                Assert.Equal(code, response.RootElement.GetProperty("statusCode").GetInt32());
            }
            else if (file == "authorizer.json")
            {
                // The sample key is the runner's TASKS_API_TOKEN here: the bootstrap key, the admin caller.
                Assert.True(response.RootElement.GetProperty("isAuthorized").GetBoolean(), run.Output);
                Assert.Equal("admin", response.RootElement.GetProperty("context").GetProperty("caller").GetString());
            }
            else if (file == "forwarder-sqs-batch.json")
            {
                Assert.Empty(response.RootElement.GetProperty("batchItemFailures").EnumerateArray());
            }
        }

        // The task the schedule event created is in the data folder: the list invoked after it shows it.
        var list = await InvokeAsync("ListTasksFunction", "--event", Path.Combine(Repository.Root, "events", "list-tasks.json"));
        using var listed = JsonDocument.Parse(JsonDocument.Parse(list.Output).RootElement.GetProperty("body").GetString()!);
        Assert.NotEmpty(listed.RootElement.GetProperty("tasks").EnumerateArray());

        // And the schedule the create event made is in the schedule list.
        var schedules = await InvokeAsync("ListSchedulesFunction", "--event", Path.Combine(Repository.Root, "events", "list-schedules.json"));
        using var listedSchedules = JsonDocument.Parse(JsonDocument.Parse(schedules.Output).RootElement.GetProperty("body").GetString()!);
        Assert.Equal("weekday-report", Assert.Single(listedSchedules.RootElement.GetProperty("schedules").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task AnUnknownFunction_OrAnUnreadableEvent_IsAOneLineErrorAndExitCode2()
    {
        var unknown = await InvokeAsync("NoSuchFunction", "--event", Path.Combine(Repository.Root, "events", "health.json"));
        var unreadable = await InvokeAsync("HealthFunction", "--event", Path.Combine(_data, "missing.json"));

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("NoSuchFunction", unknown.Error, StringComparison.Ordinal);
        Assert.Single(unknown.Error.Trim().Split('\n'));
        Assert.Equal(2, unreadable.ExitCode);
        Assert.Contains("missing.json", unreadable.Error, StringComparison.Ordinal);
        Assert.Single(unreadable.Error.Trim().Split('\n'));
        Assert.Empty(unknown.Output + unreadable.Output);
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", ["exec", RunnerProcess.Dll, "invoke", .. arguments, "--data-dir", _data])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["TASKS_API_TOKEN"] = Token;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
