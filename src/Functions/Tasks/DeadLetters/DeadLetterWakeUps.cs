using System.Text.Json;
using Functions.Tasks.WakeUps;

namespace Functions.Tasks.DeadLetters;

/// <summary>
/// The wake-up inside a system dead letter. Three shapes land there: a delivery-queue message (the wake-up itself),
/// a schedule's Input that Scheduler could not deliver (the wake-up too), and Lambda's on-failure record of an
/// asynchronous invocation (the wake-up under <c>requestPayload</c>).
/// </summary>
public static class DeadLetterWakeUps
{
    /// <summary>The wake-up <paramref name="body"/> carries, or null when it carries none that names what to wake.</summary>
    public static WakeUpMessage? Find(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("requestPayload", out var payload))
            {
                root = payload;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var message = new WakeUpMessage
            {
                TaskId = Text(root, "task_id"),
                ScheduleId = Text(root, "schedule_id"),
                Occurrence = Text(root, "occurrence"),
            };
            return message.IsComplete ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
