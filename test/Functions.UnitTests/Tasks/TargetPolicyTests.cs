using System.Net;
using Functions.Tasks.Requests;

namespace Functions.UnitTests.Tasks;

public sealed class TargetPolicyTests
{
    private static readonly TargetPolicy Strict = TargetPolicy.FromSetting(null);

    [Theory]
    [InlineData("https://example.com/hook")]
    [InlineData("https://api.example.com:8443/a/b?c=d")]
    [InlineData("https://8.8.8.8/")]
    [InlineData("https://[2606:4700:4700::1111]/")]
    [InlineData("https://münchen.de/")]
    public void Check_AdmitsPublicHttpsTargets(string url) => Assert.Null(Strict.Check(url, out _));

    [Theory]
    [InlineData("http://example.com/")]
    [InlineData("ftp://example.com/")]
    [InlineData("/relative")]
    [InlineData("https://user:secret@example.com/")]
    [InlineData("https://127.0.0.1/")]
    [InlineData("https://2130706433/")]
    [InlineData("https://0177.0.0.1/")]
    [InlineData("https://0x7f.1/")]
    [InlineData("https://127.1/")]
    [InlineData("https://10.1.2.3/")]
    [InlineData("https://172.31.255.255/")]
    [InlineData("https://192.168.0.1/")]
    [InlineData("https://100.64.0.1/")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://224.0.0.1/")]
    [InlineData("https://0.0.0.0/")]
    [InlineData("https://255.255.255.255/")]
    [InlineData("https://[::1]/")]
    [InlineData("https://[::]/")]
    [InlineData("https://[fe80::1]/")]
    [InlineData("https://[fd00:ec2::254]/")]
    [InlineData("https://[ff02::1]/")]
    [InlineData("https://[::ffff:127.0.0.1]/")]
    [InlineData("https://[::ffff:a9fe:a9fe]/")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/")]
    [InlineData("https://[2002:7f00:1::]/")]
    [InlineData("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/")]
    [InlineData("https://[64:ff9b:1::a9fe:a9fe]/")]
    [InlineData("https://192.88.99.1/")]
    [InlineData("https://localhost/")]
    [InlineData("https://app.localhost/")]
    [InlineData("https://instance-data/")]
    [InlineData("https://999.1.1.1/")]
    [InlineData("https://1.2.3.4.5/")]
    public void Check_RefusesLocalPrivateAndMalformedTargets(string url) => Assert.NotNull(Strict.Check(url, out _));

    [Fact]
    public void Check_AdmitsHttpAndLoopback_OnlyForAllowedHosts()
    {
        var local = TargetPolicy.FromSetting("127.0.0.1, localhost");

        Assert.Null(local.Check("http://127.0.0.1:5050/api/v1/tasks/callback", out _));
        Assert.Null(local.Check("http://localhost:8080/", out _));
        Assert.NotNull(local.Check("http://127.0.0.2/", out _));
        Assert.NotNull(local.Check("http://example.com/", out _));
    }

    [Theory]
    [InlineData("93.184.216.34", false)]
    [InlineData("127.0.0.1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("2606:4700::1", false)]
    public void IsBlocked_ClassifiesResolvedAddresses(string address, bool blocked) =>
        Assert.Equal(blocked, TargetPolicy.IsBlocked(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://example.com/a\rb")]
    [InlineData("https://example.com/a\nSet-Cookie: x=1")]
    [InlineData("https://example.com/\tpath")]
    [InlineData("https://exa\0mple.com/")]
    [InlineData("https://example.com/a\0b")]
    [InlineData("https://example.com/a b")]
    [InlineData(" https://example.com/")]
    [InlineData("https://example.com/\u00A0")]
    [InlineData("https://example.com/\u007F")]
    public void Check_RefusesWhitespaceAndControlCharacters_RatherThanCleaningThemUp(string url)
    {
        var problem = Strict.Check(url, out var uri);

        Assert.NotNull(problem);
        Assert.Contains("control characters", problem, StringComparison.Ordinal);
        Assert.Null(uri);
    }

    [Theory]
    [InlineData("https://\uFF11\uFF12\uFF17.\uFF10.\uFF10.\uFF11/")]
    [InlineData("https://127\u30020\u30020\u30021/")]
    [InlineData("https://127\uFF0E0\uFF0E0\uFF0E1/")]
    [InlineData("https://\u0661\u0662\u0667.0.0.1/")]
    [InlineData("https://\uFF18.\uFF18.\uFF18.\uFF18/")]
    [InlineData("https://\uFF10\uFF58\uFF17\uFF46.1/")]
    public void Check_RefusesAHostThatSpellsAnAddressInNonAsciiCharacters(string url)
    {
        var problem = Strict.Check(url, out _);

        Assert.NotNull(problem);
        Assert.Contains("non-ASCII", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://bücher.example/")]
    [InlineData("https://例え.jp/")]
    [InlineData("https://xn--bcher-kva.example/")]
    public void Check_StillAdmitsInternationalisedNames(string url) => Assert.Null(Strict.Check(url, out _));
}
