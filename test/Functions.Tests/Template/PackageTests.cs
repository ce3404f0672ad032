using System.Diagnostics;
using Functions.Testing;

namespace Functions.Tests.Template;

/// <summary>
/// The package both deploy tools build: `sam build` and `dotnet lambda package` publish src/Functions for
/// linux-arm64, framework-dependent. That publish must be ReadyToRun (precompiled arm64 code in the assemblies), or
/// the first invocation on Lambda JITs its whole path again.
/// </summary>
public sealed class PackageTests
{
    private const ushort LinuxArm64ReadyToRun = 0xAA64 ^ 0x7B79; // IMAGE_FILE_MACHINE_ARM64, xored with the Linux marker

    [Fact]
    public async Task TheArm64PublishTheDeployToolsRun_IsReadyToRun()
    {
        var output = Directory.CreateTempSubdirectory("publish-arm64-").FullName;
        var start = new ProcessStartInfo("dotnet", $"publish src/Functions -c Release -r linux-arm64 --self-contained false -o \"{output}\" -nologo")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await log + await errors);

        foreach (var assembly in new[] { "Functions.dll", "Microsoft.Extensions.DependencyInjection.dll" })
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(output, assembly));
            var pe = BitConverter.ToInt32(bytes, 0x3c);
            Assert.Equal(LinuxArm64ReadyToRun, BitConverter.ToUInt16(bytes, pe + 4));
            Assert.True(bytes.AsSpan().IndexOf("RTR\0"u8) >= 0, assembly + " has no ReadyToRun header");
        }

        Assert.Contains("\"System.Diagnostics.Tracing.EventSource.IsSupported\": false", await File.ReadAllTextAsync(Path.Combine(output, "Functions.runtimeconfig.json")), StringComparison.Ordinal);
        Directory.Delete(output, recursive: true);
    }
}
