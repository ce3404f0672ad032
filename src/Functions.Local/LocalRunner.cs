using Functions.Hosting.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Local;

public static class LocalRunner
{
    public const string DefaultUrl = "http://127.0.0.1:5050";

    /// <summary>The runner's web app: every catalog route, served through <see cref="HttpApiGateway"/>.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(builder.Configuration["urls"] ?? DefaultUrl);
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = HttpApiGateway.MaxBodyBytes);
        builder.Services.AddSingleton(RouteTable.FromCatalog());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new HttpApiGateway(
            sp.GetRequiredService<RouteTable>(),
            new ConfigurationBuilder().AddEnvironmentVariables().Build(),
            sp.GetRequiredService<TimeProvider>()));
        var app = builder.Build();
        app.Run(http => http.RequestServices.GetRequiredService<HttpApiGateway>().HandleAsync(http));
        return app;
    }
}
