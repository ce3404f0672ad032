using Functions.Testing;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Functions.Hosting;
using Functions.Tests.Support;

namespace Functions.Tests.Integration;

/// <summary>The API token read once at init from an SSM SecureString (moto), as in AWS.</summary>
[Collection(MotoGroup.Name)]
public sealed class ApiTokenTests(MotoServer moto)
{
    [Fact]
    public async Task TheTokenFromSsm_IsTheOneRequestsMustCarry()
    {
        var name = "/tasks-test/" + Guid.NewGuid().ToString("N");
        using (var ssm = new AmazonSimpleSystemsManagementClient(MotoServer.Credentials, new AmazonSimpleSystemsManagementConfig { ServiceURL = moto.Endpoint, AuthenticationRegion = MotoServer.Region }))
        {
            await ssm.PutParameterAsync(new PutParameterRequest { Name = name, Value = "from-ssm-token", Type = ParameterType.SecureString });
        }

        await using var api = await TaskApi.CreateAsync(moto, s =>
        {
            s.Remove(SettingNames.ApiToken);
            s[SettingNames.ApiTokenParameter] = name;
        });

        Assert.Equal(200, (await api.SendAsync("GET", "/api/v1/tasks", token: "from-ssm-token")).StatusCode);
        Assert.Equal(403, (await api.SendAsync("GET", "/api/v1/tasks", token: TestSettings.Token)).StatusCode);
    }

    [Fact]
    public async Task AMissingParameter_FailsTheInitNamingTheSetting()
    {
        await using var api = await TaskApi.CreateAsync(moto, s =>
        {
            s.Remove(SettingNames.ApiToken);
            s[SettingNames.ApiTokenParameter] = "/tasks-test/absent";
        });

        var error = Assert.Throws<SettingsException>(() => api.Host("AuthorizerFunction"));

        Assert.Equal(SettingNames.ApiTokenParameter, error.Setting);
        // Only the authorizer reads the token: the task functions start without it.
        Assert.NotNull(api.Host("ListTasksFunction"));
    }

    [Theory]
    [InlineData(SettingNames.TableName, "GetTaskFunction")]
    [InlineData(SettingNames.ScheduleGroup, "ScheduleTaskFunction")]
    [InlineData(SettingNames.ForwarderArn, "ScheduleTaskFunction")]
    [InlineData("AWS_REGION", "GetTaskFunction")]
    public async Task AMissingSetting_FailsTheInitNamingIt(string setting, string function)
    {
        await using var api = await TaskApi.CreateAsync(moto);
        api.Settings.Remove(setting);

        var error = Assert.Throws<SettingsException>(() => api.Host(function));

        Assert.Equal(setting, error.Setting);
    }

    [Fact]
    public async Task EveryFunctionInTheCatalog_BuildsWithItsSettings()
    {
        await using var api = await TaskApi.CreateAsync(moto);

        foreach (var function in FunctionCatalog.All)
        {
            var host = api.Host(function.Name).Host;
            Assert.Equal(function.Name, host.Function.Name);
            Assert.NotNull(host.EntryPoint);
        }
    }
}
