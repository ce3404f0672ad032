using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Microsoft.Extensions.Configuration;

namespace Functions.Hosting.Aws;

/// <summary>
/// Region, credentials and endpoints for every AWS client, read from configuration (the process environment
/// in Lambda) the way the AWS SDKs read them: AWS_REGION; AWS_ENDPOINT_URL_&lt;SERVICE&gt; then AWS_ENDPOINT_URL
/// (how the tests and the local runner point the functions at moto_server); AWS_ACCESS_KEY_ID /
/// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, else the SDK's default credential chain.
/// </summary>
public sealed class AwsSettings
{
    private readonly IConfiguration _configuration;

    public AwsSettings(IConfiguration configuration)
    {
        _configuration = configuration;
        var region = configuration[SettingNames.Region] ?? configuration[SettingNames.DefaultRegion];
        if (string.IsNullOrWhiteSpace(region))
        {
            throw new SettingsException(SettingNames.Region, $"Missing required setting {SettingNames.Region}.");
        }

        Region = RegionEndpoint.GetBySystemName(region);
        var accessKey = configuration[SettingNames.AccessKeyId];
        var secretKey = configuration[SettingNames.SecretAccessKey];
        var sessionToken = configuration[SettingNames.SessionToken];
        Credentials = string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey)
            ? DefaultAWSCredentialsIdentityResolver.GetCredentials()
            : string.IsNullOrEmpty(sessionToken)
                ? new BasicAWSCredentials(accessKey, secretKey)
                : new SessionAWSCredentials(accessKey, secretKey, sessionToken);
    }

    public RegionEndpoint Region { get; }

    public AWSCredentials Credentials { get; }

    /// <summary>The endpoint override for a service (its SDK id upper-cased, e.g. DYNAMODB, SCHEDULER, SSM), or null.</summary>
    public Uri? EndpointOverride(string serviceId)
    {
        var value = _configuration[SettingNames.EndpointUrlPrefix + serviceId] ?? _configuration[SettingNames.EndpointUrl];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new SettingsException(SettingNames.EndpointUrlPrefix + serviceId, $"{SettingNames.EndpointUrlPrefix}{serviceId} / {SettingNames.EndpointUrl} is not an absolute http(s) URL: '{value}'.");
    }

    /// <summary>Applies the region or endpoint override to an SDK client's config.</summary>
    public T Configure<T>(T config, string serviceId)
        where T : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        if (EndpointOverride(serviceId) is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = Region.SystemName;
        }
        else
        {
            config.RegionEndpoint = Region;
        }

        return config;
    }
}
