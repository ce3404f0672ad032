using Functions.Hosting.Http;

namespace Functions.UnitTests.Hosting;

public sealed class HttpRouteTests
{
    [Theory]
    [InlineData("/api/v1/tasks/{task_id}", "/api/v1/tasks/abc", true)]
    [InlineData("/api/v1/tasks/{task_id}", "/api/v1/tasks/", false)]
    [InlineData("/api/v1/tasks/{task_id}", "/api/v1/tasks", false)]
    [InlineData("/api/v1/tasks/{task_id}", "/api/v1/tasks/abc/def", false)]
    [InlineData("/api/v1/tasks", "/api/v1/tasks", true)]
    [InlineData("/api/v1/tasks", "/api/v1/Tasks", false)]
    [InlineData("/api/v1/tasks", "/api/v1/tasks/", false)]
    public void TryMatchPath_MatchesWholeSegments(string template, string path, bool expected)
    {
        Assert.Equal(expected, new HttpRoute("GET", template).TryMatchPath(path, out _));
    }

    [Fact]
    public void TryMatchPath_CapturesAndUnescapesParameters()
    {
        Assert.True(new HttpRoute("get", "/a/{x}/b/{y}").TryMatchPath("/a/1%2F2/b/z", out var parameters));
        Assert.Equal("1/2", parameters["x"]);
        Assert.Equal("z", parameters["y"]);
    }

    [Fact]
    public void RouteKey_IsApiGatewaysForm() => Assert.Equal("GET /a/{x}", new HttpRoute("get", "/a/{x}").RouteKey);
}
