using System.Text.Json.Serialization;
using Functions.Tasks;

namespace Functions.Local.Embedded;

/// <summary>
/// How the embedded store keeps a task: its record as JSON, source-generated (the same text the reflection
/// serializer wrote, so existing data folders still read). Reading a task is on the path of every claim; the
/// generated reader takes a quarter of the reflection one's time.
/// </summary>
[JsonSerializable(typeof(TaskRecord))]
[JsonSerializable(typeof(SweepProgress))]
[JsonSerializable(typeof(Functions.Tasks.Recurring.RecurringSchedule))]
internal sealed partial class LocalJsonContext : JsonSerializerContext;
