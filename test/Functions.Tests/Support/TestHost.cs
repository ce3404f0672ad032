using System.Text;
using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Http;
using Functions.Serialization;
using Microsoft.Extensions.Configuration;

namespace Functions.Tests.Support;

/// <summary>Builds a function the way the process does, with settings given in memory and logs captured.</summary>
public sealed class TestHost : IDisposable
{
    private TestHost(FunctionHost host, MemoryStream logs)
    {
        Host = host;
        Logs = logs;
    }

    public FunctionHost Host { get; }

    public MemoryStream Logs { get; }

    public static TestHost Create(string function, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { [SettingNames.FunctionHandler] = function };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new MemoryStream();
        return new TestHost(FunctionHost.Create(configuration, logs), logs);
    }

    public Task<HttpApiResponse> InvokeHttpAsync(string @event) => InvokeHttpAsync(Host.EntryPoint, @event);

    public static async Task<HttpApiResponse> InvokeHttpAsync(FunctionEntryPoint entryPoint, string @event)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(@event));
        var output = await entryPoint(input, InvocationContext.Create("test-request", TimeSpan.FromSeconds(10)));
        return JsonSerializer.Deserialize(output, FunctionsJsonContext.Default.HttpApiResponse)
            ?? throw new InvalidOperationException("The entry point wrote null.");
    }

    public IReadOnlyList<JsonElement> LogLines() => ParseLogLines(Encoding.UTF8.GetString(Logs.ToArray()));

    public static IReadOnlyList<JsonElement> ParseLogLines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    public void Dispose()
    {
        Host.Dispose();
        Logs.Dispose();
    }
}

public static class HttpEvents
{
    /// <summary>A payload 2.0 event for any method and path, shaped like the committed sample events.</summary>
    public static string Create(string method, string path, string? body = null, bool base64 = false, string version = "2.0")
    {
        var template = JsonDocument.Parse(Repository.Event("health.json")).RootElement;
        var node = System.Text.Json.Nodes.JsonNode.Parse(template.GetRawText())!.AsObject();
        node["version"] = version;
        node["routeKey"] = $"{method} {path}";
        node["rawPath"] = path;
        node["requestContext"]!["http"]!["method"] = method;
        node["requestContext"]!["http"]!["path"] = path;
        node["requestContext"]!["routeKey"] = $"{method} {path}";
        if (body is not null)
        {
            node["headers"]!["content-type"] = "application/json";
            node["body"] = body;
            node["isBase64Encoded"] = base64;
        }

        return node.ToJsonString();
    }
}
