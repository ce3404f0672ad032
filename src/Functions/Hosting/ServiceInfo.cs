using System.Reflection;

namespace Functions.Hosting;

/// <summary>Which function this process serves, under which service name, and the build it runs.</summary>
public sealed record ServiceInfo(string FunctionName, string ServiceName, string Version)
{
    public static string AssemblyVersion { get; } =
        typeof(ServiceInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
