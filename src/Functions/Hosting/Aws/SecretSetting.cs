using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Microsoft.Extensions.Configuration;

namespace Functions.Hosting.Aws;

/// <summary>
/// A secret read once per execution environment: from a plain setting when set (local runs), otherwise from
/// the SSM SecureString the <c>…_PARAMETER</c> setting names. Never logged, never put in an item or a schedule.
/// </summary>
public static class SecretSetting
{
    public static string Read(IConfiguration configuration, string directSetting, string parameterSetting, Func<IAmazonSimpleSystemsManagement> ssm)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(ssm);
        var direct = configuration[directSetting];
        if (!string.IsNullOrEmpty(direct))
        {
            return direct;
        }

        var parameter = configuration[parameterSetting];
        if (string.IsNullOrWhiteSpace(parameter))
        {
            throw new SettingsException(parameterSetting, $"Missing required setting {parameterSetting} (or {directSetting} for local runs).");
        }

        try
        {
            // Init runs once, before the first event, on a thread with no synchronization context.
            var response = ssm().GetParameterAsync(new GetParameterRequest { Name = parameter, WithDecryption = true }).GetAwaiter().GetResult();
            return response.Parameter.Value;
        }
        catch (ParameterNotFoundException)
        {
            throw new SettingsException(parameterSetting, $"The SSM parameter named by {parameterSetting} does not exist: {parameter}.");
        }
    }
}
