using System.Text;
using Functions.Testing;
using Functions.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace Functions.UnitTests.Webhooks;

/// <summary>Functions.Webhooks against the Standard Webhooks specification: its published example, rotation, tolerance.</summary>
public sealed class WebhookSignatureTests
{
    // The example the Standard Webhooks specification publishes (and its reference libraries test against).
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecBody = "{\"test\": 2432232314}";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(SpecBody);

    private static FakeTimeProvider ClockAt(long seconds) => new(DateTimeOffset.FromUnixTimeSeconds(seconds));

    [Fact]
    public void Sign_ThePublishedExample_GivesThePublishedSignature()
    {
        var signer = new WebhookSigner([WebhookKey.Parse(SpecSecret)]);

        var headers = signer.Sign(SpecId, DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp), Body);

        Assert.Equal(SpecSignature, headers.Signature);
        Assert.Equal("1614265330", headers.Timestamp);
        Assert.Equal(SpecId, headers.Id);
        Assert.Equal(SpecSignature, Signatures.Expected(SpecSecret, SpecId, "1614265330", Body));
    }

    [Fact]
    public void Verify_ThePublishedExample_IsValidAtItsTime()
    {
        var verifier = new WebhookVerifier(WebhookKey.ParseList(SpecSecret), ClockAt(SpecTimestamp));

        Assert.Equal(WebhookVerification.Valid, verifier.Verify(SpecId, "1614265330", SpecSignature, Body));
    }

    [Theory]
    [InlineData("{\"test\": 2432232315}")]
    [InlineData("{\"test\":2432232314}")]
    public void Verify_AChangedBody_HasNoMatchingSignature(string body)
    {
        var verifier = new WebhookVerifier(WebhookKey.ParseList(SpecSecret), ClockAt(SpecTimestamp));

        Assert.Equal(WebhookVerification.NoMatchingSignature, verifier.Verify(SpecId, "1614265330", SpecSignature, Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Verify_AnotherIdOrTimestamp_HasNoMatchingSignature()
    {
        var verifier = new WebhookVerifier(WebhookKey.ParseList(SpecSecret), ClockAt(SpecTimestamp));

        Assert.Equal(WebhookVerification.NoMatchingSignature, verifier.Verify("msg_other", "1614265330", SpecSignature, Body));
        Assert.Equal(WebhookVerification.NoMatchingSignature, verifier.Verify(SpecId, "1614265331", SpecSignature, Body));
    }

    [Theory]
    [InlineData(-301, WebhookVerification.TimestampTooOld)]
    [InlineData(-300, WebhookVerification.Valid)]
    [InlineData(300, WebhookVerification.Valid)]
    [InlineData(301, WebhookVerification.TimestampTooNew)]
    public void Verify_AllowsFiveMinutesEitherWay(int skewSeconds, WebhookVerification expected)
    {
        var verifier = new WebhookVerifier(WebhookKey.ParseList(SpecSecret), ClockAt(SpecTimestamp - skewSeconds));

        Assert.Equal(expected, verifier.Verify(SpecId, "1614265330", SpecSignature, Body));
    }

    [Theory]
    [InlineData(null, "1614265330", SpecSignature, WebhookVerification.MissingHeaders)]
    [InlineData(SpecId, "", SpecSignature, WebhookVerification.MissingHeaders)]
    [InlineData(SpecId, "1614265330", null, WebhookVerification.MissingHeaders)]
    [InlineData(SpecId, "16142653.30", SpecSignature, WebhookVerification.BadTimestamp)]
    [InlineData(SpecId, "1614265330", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookVerification.NoMatchingSignature)]
    [InlineData(SpecId, "1614265330", "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookVerification.NoMatchingSignature)]
    public void Verify_MissingOrMalformedHeaders_AreRefusedWithTheirReason(string? id, string? timestamp, string? signature, WebhookVerification expected)
    {
        var verifier = new WebhookVerifier(WebhookKey.ParseList(SpecSecret), ClockAt(SpecTimestamp));

        Assert.Equal(expected, verifier.Verify(id, timestamp, signature, Body));
    }

    [Fact]
    public void DuringRotation_TheSenderSignsWithEveryKey_AndAReceiverWithEitherKeyVerifies()
    {
        var newKey = WebhookKey.Generate();
        var signer = new WebhookSigner(WebhookKey.ParseList(newKey + " " + SpecSecret));
        var at = DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp);

        var headers = signer.Sign(SpecId, at, Body);

        Assert.Equal(
            [Signatures.Expected(newKey, SpecId, headers.Timestamp, Body), SpecSignature],
            headers.Signature.Split(' '));
        Assert.Equal(WebhookVerification.Valid, new WebhookVerifier(WebhookKey.ParseList(SpecSecret), ClockAt(SpecTimestamp)).Verify(SpecId, headers.Timestamp, headers.Signature, Body));
        Assert.Equal(WebhookVerification.Valid, new WebhookVerifier(WebhookKey.ParseList(newKey), ClockAt(SpecTimestamp)).Verify(SpecId, headers.Timestamp, headers.Signature, Body));
        Assert.Equal(WebhookVerification.NoMatchingSignature, new WebhookVerifier(WebhookKey.ParseList(WebhookKey.Generate()), ClockAt(SpecTimestamp)).Verify(SpecId, headers.Timestamp, headers.Signature, Body));
    }

    [Fact]
    public void AReceiverHoldingTwoKeys_VerifiesASignatureMadeWithTheOlderOne()
    {
        var receiver = new WebhookVerifier(WebhookKey.ParseList(WebhookKey.Generate() + "," + SpecSecret), ClockAt(SpecTimestamp));

        Assert.Equal(WebhookVerification.Valid, receiver.Verify(SpecId, "1614265330", SpecSignature, Body));
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_not*base64")]
    [InlineData("whsec_c2hvcnQ=")]
    [InlineData("")]
    public void Parse_ASecretNotInItsForm_IsRefusedWithoutEchoingIt(string secret)
    {
        var error = Assert.Throws<FormatException>(() => WebhookKey.ParseList(secret));

        Assert.True(secret.Length < 8 || !error.Message.Contains(secret[6..], StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void AKey_NeverPrintsItself() =>
        Assert.Equal("whsec_***", WebhookKey.Parse(SpecSecret).ToString());
}
