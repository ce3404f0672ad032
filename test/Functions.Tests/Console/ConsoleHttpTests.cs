using System.Text.Json;
using Functions.Tests.Support;
using Functions.WebConsole;

namespace Functions.Tests.Console;

/// <summary>The console's files and the OpenAPI document as their functions serve them: public, with the headers that keep the page inert.</summary>
[Collection(MotoGroup.Name)]
public sealed class ConsoleHttpTests(MotoServer moto)
{
    [Theory]
    [InlineData("/console", "text/html; charset=utf-8", "<input id=\"api-key\" name=\"api-key\" type=\"password\"")]
    [InlineData("/console/console.js", "text/javascript; charset=utf-8", "sessionStorage")]
    [InlineData("/console/console.css", "text/css; charset=utf-8", ".timeline")]
    public async Task EachFile_IsServedWithoutAKey_WithAStrictPolicy_AndAnETagThatAnswers304(string path, string contentType, string excerpt)
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var first = await api.SendAsync("GET", path, token: null);
        var again = await api.SendAsync("GET", path, token: null, headers: new Dictionary<string, string> { ["If-None-Match"] = first.Headers!["etag"] });

        Assert.Equal(200, first.StatusCode);
        Assert.Equal(contentType, first.Headers["content-type"]);
        Assert.Contains(excerpt, first.Body, StringComparison.Ordinal);
        Assert.Equal(StaticContent.ContentSecurityPolicy, first.Headers["content-security-policy"]);
        Assert.Contains("script-src 'self'", first.Headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", first.Headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", first.Headers["content-security-policy"], StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", first.Headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("nosniff", first.Headers["x-content-type-options"]);
        Assert.Equal(304, again.StatusCode);
        Assert.Null(again.Body);
    }

    [Fact]
    public async Task ThePage_HasNoInlineScriptOrStyle_AndTheScriptNeverWritesHtml()
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var page = (await api.SendAsync("GET", "/console", token: null)).Body!;
        var script = (await api.SendAsync("GET", "/console/console.js", token: null)).Body!;

        Assert.Matches("<script src=\"/console/console.js\" defer></script>", page);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, "<script"));
        Assert.DoesNotContain(" style=", page, StringComparison.Ordinal);
        Assert.DoesNotMatch("<[^>]+\\son[a-z]+\\s*=", page);
        foreach (var sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function" })
        {
            Assert.DoesNotContain(sink, script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnUnknownConsoleFile_Is404()
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await api.SendAsync("GET", "/console/secrets.txt", token: null);

        Assert.Equal(404, response.StatusCode);
        Assert.Equal("application/problem+json", response.Headers!["content-type"]);
    }

    [Fact]
    public async Task TheOpenApiDocument_IsServedWithoutAKey_AsCommitted()
    {
        await using var api = await TaskApi.CreateAsync(moto);

        var response = await api.SendAsync("GET", "/api/v1/openapi.json", token: null);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.Headers!["content-type"]);
        Assert.Equal("*", response.Headers["access-control-allow-origin"]);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Functions.Testing.Repository.Root, "openapi.json")), response.Body);
        using var document = JsonDocument.Parse(response.Body!);
        Assert.Equal("3.1.1", document.RootElement.GetProperty("openapi").GetString());
    }
}
