using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Functions.Tests.Support;

/// <summary>
/// moto_server for the integration tests: the one .ci/run started (MOTO_ENDPOINT), or one this fixture
/// starts on a free 127.0.0.1 port and stops after the tests. Never mocks: moto speaks the AWS wire protocols.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    private Process? _process;

    public string Endpoint { get; private set; } = "";

    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("testing", "testing");

    public const string Region = "ap-northeast-2";

    public async Task InitializeAsync()
    {
        var given = Environment.GetEnvironmentVariable("MOTO_ENDPOINT");
        if (!string.IsNullOrEmpty(given))
        {
            Endpoint = given.TrimEnd('/');
            return;
        }

        var port = FreePort();
        try
        {
            _process = Process.Start(new ProcessStartInfo("moto_server", ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("moto_server (moto 5.2.1, with its server extra) is not on PATH; install it (see README) or set MOTO_ENDPOINT.", ex);
        }

        _process!.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Endpoint = $"http://127.0.0.1:{port}";
        using var http = new HttpClient();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            try
            {
                using var response = await http.GetAsync(Endpoint + "/moto-api/");
                return;
            }
            catch (HttpRequestException)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode}.");
                }
            }
        }

        throw new TimeoutException("moto_server did not answer within 30 s at " + Endpoint);
    }

    public Amazon.SQS.AmazonSQSClient Sqs() => new(Credentials, new Amazon.SQS.AmazonSQSConfig { ServiceURL = Endpoint, AuthenticationRegion = Region });

    public AmazonDynamoDBClient DynamoDb() => new(Credentials, new AmazonDynamoDBConfig { ServiceURL = Endpoint, AuthenticationRegion = Region });

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class MotoGroup : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
