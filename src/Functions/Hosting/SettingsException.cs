namespace Functions.Hosting;

/// <summary>A setting the function needs is missing or invalid; the init fails with its name.</summary>
public sealed class SettingsException(string setting, string message) : Exception(message)
{
    public string Setting { get; } = setting;
}
