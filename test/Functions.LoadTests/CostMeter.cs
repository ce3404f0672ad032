using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Functions.TaskStore;

/// <summary>
/// Counts every AWS request a function makes (under the SDK clients and the Scheduler client) and, for DynamoDB, the
/// read and write units each one costs, computed the way DynamoDB rounds them: a write unit per 1 KB (rounded up) of
/// the larger of the item before and after, one more per index whose entry is put, changed or removed (two when an
/// index key changes: delete and put), transactions twice; a read unit per 4 KB, half for eventually consistent
/// reads. The item before and after each write is read from the emulator around the request (moto does not report
/// consumed capacity), with the table's index definitions from <see cref="TaskTableSchema"/>.
/// </summary>
internal sealed class CostMeter(string endpoint) : HttpClientFactory
{
    private static readonly HttpClient Raw = new();
    private static readonly (string Name, string Hash, string Range, string[] Projected, bool KeysOnly)[] Indexes =
        [.. TaskTableSchema.CreateTableRequest("x").GlobalSecondaryIndexes.Select(i => (
            i.IndexName,
            i.KeySchema[0].AttributeName,
            i.KeySchema[1].AttributeName,
            (i.Projection.NonKeyAttributes ?? []).ToArray(),
            i.Projection.ProjectionType.Value == "KEYS_ONLY"))];

    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, double> _units = new();
    private static readonly SemaphoreSlim Serial = new(1, 1);

    /// <summary>Whether DynamoDB units are computed (reading items around each write); off for timing runs.</summary>
    public bool MeterUnits { get; init; } = true;

    /// <summary>Sees each Scheduler and SQS request (its name, path and body) on its way out, as AWS would receive it.</summary>
    public Action<string, string, string>? Observe { get; set; }

    public IReadOnlyDictionary<string, int> Calls => _calls;

    public int Total => _calls.Values.Sum();

    /// <summary>Units by kind: base writes, index writes by index, reads.</summary>
    public IReadOnlyDictionary<string, double> Units => _units;

    public double WriteUnits => _units.Where(u => u.Key.StartsWith("write", StringComparison.Ordinal)).Sum(u => u.Value);

    public double ReadUnits => _units.Where(u => u.Key.StartsWith("read", StringComparison.Ordinal)).Sum(u => u.Value);

    public void Reset()
    {
        _calls.Clear();
        _units.Clear();
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(Wrap(new SocketsHttpHandler()));

    public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Metering(this, inner);

    private void Add(string kind, double units) => _units.AddOrUpdate(kind, units, (_, n) => n + units);

    private sealed class Metering(CostMeter meter, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First() : null;
            var name = target?.Split('.')[^1] ?? $"{request.Method} {request.RequestUri?.AbsolutePath.Split('/').ElementAtOrDefault(1)}";
            if (target?.StartsWith("AmazonSQS", StringComparison.Ordinal) == true)
            {
                name = "SQS " + name;
            }
            else if (target?.StartsWith("DynamoDB", StringComparison.Ordinal) == true)
            {
                name = "DynamoDB " + name;
            }
            else
            {
                name = "Scheduler " + name;
            }

            meter._calls.AddOrUpdate(name, 1, (_, n) => n + 1);
            if (target?.StartsWith("DynamoDB", StringComparison.Ordinal) == true && !meter.MeterUnits)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            if (target?.StartsWith("DynamoDB", StringComparison.Ordinal) != true)
            {
                var text = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
                meter.Observe?.Invoke(name, request.RequestUri?.AbsolutePath ?? string.Empty, text);
                return await base.SendAsync(request, cancellationToken);
            }

            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
            var operation = target.Split('.')[^1];
            var writes = Writes(operation, body);

            // One metered write at a time, so the images read around it are its own.
            await Serial.WaitAsync(cancellationToken);
            try
            {
                var before = new List<JsonObject?>();
                foreach (var (table, key) in writes)
                {
                    before.Add(await meter.GetAsync(table, key));
                }

                var response = await base.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                var ok = response.IsSuccessStatusCode;
                var factor = operation == "TransactWriteItems" ? 2 : 1;
                for (var i = 0; i < writes.Count; i++)
                {
                    var after = await meter.GetAsync(writes[i].Table, writes[i].Key);
                    meter.Add("write base", factor * Math.Max(1, Math.Ceiling(Math.Max(Size(before[i]), ok ? Size(after) : 0) / 1024.0)));
                    if (ok)
                    {
                        foreach (var index in Indexes)
                        {
                            meter.Add($"write index {index.Name}", factor * IndexWrites(index, before[i], after));
                        }
                    }
                }

                meter.Reads(operation, body, text);
                response.Content = new StringContent(text, Encoding.UTF8, "application/x-amz-json-1.0");
                return response;
            }
            finally
            {
                Serial.Release();
            }
        }
    }

    private static List<(string Table, JsonObject Key)> Writes(string operation, JsonObject body)
    {
        static JsonObject KeyOf(JsonObject item) => new() { [TaskTableSchema.PartitionKey] = item[TaskTableSchema.PartitionKey]!.DeepClone() };
        return operation switch
        {
            "PutItem" => [(body["TableName"]!.GetValue<string>(), KeyOf(body["Item"]!.AsObject()))],
            "UpdateItem" or "DeleteItem" => [(body["TableName"]!.GetValue<string>(), KeyOf(body["Key"]!.AsObject()))],
            "TransactWriteItems" => [.. body["TransactItems"]!.AsArray().Select(t =>
            {
                var (kind, value) = t!.AsObject().First();
                var part = value!.AsObject();
                return (part["TableName"]!.GetValue<string>(), KeyOf(kind == "Put" ? part["Item"]!.AsObject() : part["Key"]!.AsObject()));
            })],
            _ => [],
        };
    }

    private void Reads(string operation, JsonObject request, string response)
    {
        var consistent = request["ConsistentRead"]?.GetValue<bool>() == true;
        var answer = JsonNode.Parse(response)?.AsObject();
        switch (operation)
        {
            case "GetItem":
                Add("read GetItem", (consistent ? 1 : 0.5) * Math.Max(1, Math.Ceiling(Size(answer?["Item"]?.AsObject()) / 4096.0)));
                break;
            case "Query":
                var bytes = (answer?["Items"]?.AsArray() ?? []).Sum(i => Size(i!.AsObject()));
                Add("read Query", (consistent ? 1 : 0.5) * Math.Max(1, Math.Ceiling(bytes / 4096.0)));
                break;
            case "BatchGetItem":
                foreach (var (_, items) in answer?["Responses"]?.AsObject() ?? [])
                {
                    Add("read BatchGetItem", items!.AsArray().Sum(i => 0.5 * Math.Max(1, Math.Ceiling(Size(i!.AsObject()) / 4096.0))));
                }

                break;
        }
    }

    private static double IndexWrites((string Name, string Hash, string Range, string[] Projected, bool KeysOnly) index, JsonObject? before, JsonObject? after)
    {
        JsonObject? Entry(JsonObject? item)
        {
            if (item is null || !item.ContainsKey(index.Hash) || !item.ContainsKey(index.Range))
            {
                return null;
            }

            var entry = new JsonObject();
            foreach (var name in new[] { TaskTableSchema.PartitionKey, index.Hash, index.Range }.Concat(index.Projected))
            {
                if (item[name] is { } value)
                {
                    entry[name] = value.DeepClone();
                }
            }

            return entry;
        }

        static double Units(JsonObject entry) => Math.Ceiling((Size(entry) + 100) / 1024.0);
        var (old, now) = (Entry(before), Entry(after));
        return (old, now) switch
        {
            (null, null) => 0,
            (null, { } put) => Units(put),
            ({ } removed, null) => Units(removed),
            ({ } a, { } b) when !JsonNode.DeepEquals(a[index.Hash], b[index.Hash]) || !JsonNode.DeepEquals(a[index.Range], b[index.Range]) => Units(a) + Units(b),
            ({ } a, { } b) when !JsonNode.DeepEquals(a, b) => Math.Max(Units(a), Units(b)),
            _ => 0,
        };
    }

    private async Task<JsonObject?> GetAsync(string table, JsonObject key)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(new JsonObject { ["TableName"] = table, ["Key"] = key.DeepClone(), ["ConsistentRead"] = true }.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.0"),
        };
        message.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810.GetItem");
        message.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/ap-northeast-2/dynamodb/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await Raw.SendAsync(message);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())?["Item"]?.AsObject();
    }

    /// <summary>An item's size as DynamoDB counts it: each attribute's name and value in bytes.</summary>
    public static double Size(JsonObject? item) => item?.Sum(a => Encoding.UTF8.GetByteCount(a.Key) + ValueSize(a.Value!)) ?? 0;

    private static double ValueSize(JsonNode value)
    {
        var (type, content) = value.AsObject().First();
        return type switch
        {
            "S" => Encoding.UTF8.GetByteCount(content!.GetValue<string>()),
            "N" => NumberSize(content!.GetValue<string>()),
            "BOOL" or "NULL" => 1,
            "M" => 3 + content!.AsObject().Sum(a => Encoding.UTF8.GetByteCount(a.Key) + ValueSize(a.Value!) + 1),
            "L" => 3 + content!.AsArray().Sum(v => ValueSize(v!) + 1),
            "SS" => content!.AsArray().Sum(v => Encoding.UTF8.GetByteCount(v!.GetValue<string>())),
            _ => Encoding.UTF8.GetByteCount(content!.ToJsonString()),
        };
    }

    private static double NumberSize(string number)
    {
        var digits = number.TrimStart('-').Replace(".", "", StringComparison.Ordinal).Trim('0').Length;
        return Math.Ceiling(Math.Max(1, digits) / 2.0) + 1;
    }

    public string Describe() => string.Join(", ", _calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));

    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
