using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Functions.Hosting.Http;
using Functions.Serialization;

namespace Functions.Hosting.Runtime;

/// <summary>
/// Runs, on a second thread while init builds the function, the code the first invocation would otherwise compile
/// on its critical path: the payload 2.0 JSON metadata (read an event, write a response) and the HTTP client's
/// request path (a GET and a POST against a throwaway listener on 127.0.0.1, answered by hand). ReadyToRun covers
/// most of the code, but not generic instantiations across assemblies (the JSON property metadata, the HTTP stack's
/// async state machines), which the JIT still compiles; here they compile in parallel with init instead of after
/// it. Nothing here touches the Runtime API or any AWS service, and a failure is ignored: it only costs the time
/// it would have saved.
/// </summary>
public static class StartupWarmUp
{
    private const string SampleEvent = """
        {"version":"2.0","routeKey":"GET /warm-up","rawPath":"/warm-up","rawQueryString":"a=1","headers":{"accept":"application/json"},
         "queryStringParameters":{"a":"1"},"pathParameters":{"id":"1"},"requestContext":{"accountId":"0","apiId":"w","domainName":"w",
         "http":{"method":"GET","path":"/warm-up","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"w"},"requestId":"w",
         "routeKey":"GET /warm-up","stage":"$default","time":"t","timeEpoch":0,"authorizer":{"lambda":{"caller":"w"}}},
         "body":"{}","isBase64Encoded":false}
        """;

    // What the listener answers the GET and the POST, as the Runtime API would (then it closes the connection).
    private static readonly string[] Answers =
    [
        "200 OK\r\nLambda-Runtime-Aws-Request-Id: w\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
        "202 Accepted\r\nContent-Length: 0\r\n\r\n",
    ];

    /// <summary>Starts both warm-ups, each on its own pool thread; the task ends when both have.</summary>
    public static Task Start() => Task.WhenAll(Task.Run(() => IgnoringFailures(HttpRoundTripsAsync)), Task.Run(() => IgnoringFailures(JsonAsync)));

    private static async Task IgnoringFailures(Func<Task> warmUp)
    {
        try
        {
            await warmUp().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or HttpRequestException or JsonException or InvalidOperationException)
        {
            // Only time is lost: the first invocation compiles what this did not.
        }
    }

    private static async Task JsonAsync()
    {
        var request = JsonSerializer.Deserialize(SampleEvent, FunctionsJsonContext.Default.HttpApiRequest);
        var response = new HttpApiResponse
        {
            StatusCode = 200,
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["content-type"] = "application/json" },
            Body = request?.Body,
        };
        using var output = new MemoryStream();
        await JsonSerializer.SerializeAsync(output, response, FunctionsJsonContext.Default.HttpApiResponse).ConfigureAwait(false);
    }

    private static async Task HttpRoundTripsAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            foreach (var answer in Answers)
            {
                using var client = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
                var stream = client.GetStream();
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer).ConfigureAwait(false);
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 " + answer.Replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n", StringComparison.Ordinal))).ConfigureAwait(false);
            }
        });
        using var http = LambdaRuntimeClient.CreateHttpClient($"127.0.0.1:{port}");
        using (var got = await http.GetAsync("invocation/next", HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false))
        {
            using var body = new MemoryStream();
            await got.Content.CopyToAsync(body).ConfigureAwait(false);
            _ = got.Headers.TryGetValues(LambdaRuntimeClient.RequestIdHeader, out _);
        }

        using var content = new StreamContent(new MemoryStream("{}"u8.ToArray()));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using (await http.PostAsync("invocation/w/response", content).ConfigureAwait(false))
        {
        }

        await server.ConfigureAwait(false);
    }
}
