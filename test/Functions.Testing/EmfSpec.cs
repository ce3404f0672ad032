using System.Text.Json;

namespace Functions.Testing;

/// <summary>
/// Checks a line against the CloudWatch Embedded Metric Format specification's required fields ("Specification:
/// Embedded metric format"): the root is an object with <c>_aws</c>; <c>_aws.Timestamp</c> is a number of epoch
/// milliseconds; <c>_aws.CloudWatchMetrics</c> is an array of directives, each with a <c>Namespace</c> (1–1024
/// characters, not only whitespace), <c>Dimensions</c> (an array of dimension sets, each an array of at most 30
/// names, each a top-level string member) and <c>Metrics</c> (at most 100, each with a <c>Name</c> that is a
/// top-level number, or array of numbers, and an optional <c>Unit</c> from CloudWatch's list). The problems found;
/// none for a valid line.
/// </summary>
public static class EmfSpec
{
    private static readonly HashSet<string> Units = new(StringComparer.Ordinal)
    {
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits",
        "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
        "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
        "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    };

    public static IReadOnlyList<string> Problems(JsonElement line)
    {
        var problems = new List<string>();
        if (line.ValueKind != JsonValueKind.Object || !line.TryGetProperty("_aws", out var aws) || aws.ValueKind != JsonValueKind.Object)
        {
            return ["the root is not an object with an _aws object"];
        }

        if (!aws.TryGetProperty("Timestamp", out var timestamp) || timestamp.ValueKind != JsonValueKind.Number || !timestamp.TryGetInt64(out var ms) || ms < 1_000_000_000_000)
        {
            problems.Add("_aws.Timestamp is not a number of epoch milliseconds");
        }

        if (!aws.TryGetProperty("CloudWatchMetrics", out var directives) || directives.ValueKind != JsonValueKind.Array || directives.GetArrayLength() == 0)
        {
            problems.Add("_aws.CloudWatchMetrics is not a non-empty array");
            return problems;
        }

        foreach (var directive in directives.EnumerateArray())
        {
            if (!directive.TryGetProperty("Namespace", out var ns) || ns.ValueKind != JsonValueKind.String || ns.GetString()!.Trim().Length == 0 || ns.GetString()!.Length > 1024)
            {
                problems.Add("a directive has no valid Namespace");
            }

            if (!directive.TryGetProperty("Dimensions", out var sets) || sets.ValueKind != JsonValueKind.Array)
            {
                problems.Add("a directive has no Dimensions array");
            }
            else
            {
                foreach (var set in sets.EnumerateArray())
                {
                    if (set.ValueKind != JsonValueKind.Array || set.GetArrayLength() > 30)
                    {
                        problems.Add("a dimension set is not an array of at most 30 names");
                        continue;
                    }

                    foreach (var name in set.EnumerateArray())
                    {
                        if (name.ValueKind != JsonValueKind.String || !line.TryGetProperty(name.GetString()!, out var value) || value.ValueKind != JsonValueKind.String)
                        {
                            problems.Add($"dimension {name} is not a top-level string member");
                        }
                    }
                }
            }

            if (!directive.TryGetProperty("Metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Array || metrics.GetArrayLength() > 100)
            {
                problems.Add("a directive has no Metrics array of at most 100");
                continue;
            }

            foreach (var metric in metrics.EnumerateArray())
            {
                var name = metric.TryGetProperty("Name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
                if (name is null || !line.TryGetProperty(name, out var value)
                    || !(value.ValueKind == JsonValueKind.Number || (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number))))
                {
                    problems.Add($"metric {name ?? "(no Name)"} is not a top-level number");
                }

                if (metric.TryGetProperty("Unit", out var unit) && (unit.ValueKind != JsonValueKind.String || !Units.Contains(unit.GetString()!)))
                {
                    problems.Add($"metric {name} has unit {unit}, not one of CloudWatch's");
                }
            }
        }

        return problems;
    }
}
