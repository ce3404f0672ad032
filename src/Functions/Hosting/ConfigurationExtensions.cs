using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Functions.Hosting;

/// <summary>Typed reads of the settings in <see cref="SettingNames"/>; each failure is a <see cref="SettingsException"/> naming the setting.</summary>
public static class ConfigurationExtensions
{
    /// <summary>The value of a required setting; a <see cref="SettingsException"/> naming it when absent or blank.</summary>
    public static string GetRequired(this IConfiguration configuration, string name)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[name];
        return string.IsNullOrWhiteSpace(value)
            ? throw new SettingsException(name, $"Missing required setting {name}.")
            : value;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when unset.</summary>
    public static int GetWholeNumber(this IConfiguration configuration, string name, int fallback, int min, int max, string unit)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new SettingsException(name, $"{name} must be whole {unit} from {min} to {max}, not '{text}'.");
    }
}
