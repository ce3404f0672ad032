using Microsoft.Extensions.Configuration;

namespace Functions.Hosting;

/// <summary>A setting the function needs is missing or invalid; the init fails with its name.</summary>
public sealed class SettingsException(string setting, string message) : Exception(message)
{
    public string Setting { get; } = setting;
}

public static class SettingNames
{
    /// <summary>Set per function by serverless.template: the <see cref="FunctionDescriptor.Name"/> this process serves.</summary>
    public const string FunctionHandler = "FUNCTION_HANDLER";

    /// <summary>Set by Lambda from LoggingConfig.ApplicationLogLevel (TRACE, DEBUG, INFO, WARN, ERROR, FATAL).</summary>
    public const string LogLevel = "AWS_LAMBDA_LOG_LEVEL";
}

public static class ConfigurationExtensions
{
    /// <summary>The value of a required setting; a <see cref="SettingsException"/> naming it when absent or blank.</summary>
    public static string GetRequired(this IConfiguration configuration, string name)
    {
        var value = configuration[name];
        return string.IsNullOrWhiteSpace(value)
            ? throw new SettingsException(name, $"Missing required setting {name}.")
            : value;
    }
}
