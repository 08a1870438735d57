using System.Text;
using TinyImage.Operator.Sources.Webhooks;
using Xunit;

namespace TinyImage.Operator.Tests.Sources.Webhooks;

public sealed class WebhookSignatureTests
{
    private static readonly byte[] Body = """{"ref":"refs/heads/main"}"""u8.ToArray();
    private static readonly byte[] Secret = "It's a Secret to Everybody"u8.ToArray();

    [Fact]
    public void GitHubs_Documented_Example_Signature_Is_Accepted()
    {
        // docs.github.com, "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!".
        Assert.True(WebhookSignature.IsValidGitHub("Hello, World!"u8, "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", Secret));
    }

    [Fact]
    public void A_Signature_Under_Another_Secret_Or_Of_Another_Body_Is_Refused()
    {
        var header = WebhookSignature.GitHubHeader(Body, Secret);
        Assert.True(WebhookSignature.IsValidGitHub(Body, header, Secret));
        Assert.False(WebhookSignature.IsValidGitHub(Body, header, "other"u8));
        Assert.False(WebhookSignature.IsValidGitHub([.. Body, (byte)' '], header, Secret));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha1=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("sha256=zz")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1")]
    [InlineData("sha256=gg7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    public void A_Missing_Or_Malformed_GitHub_Signature_Is_Refused(string? header)
    {
        Assert.False(WebhookSignature.IsValidGitHub("Hello, World!"u8, header, Secret));
    }

    [Fact]
    public void An_Empty_Secret_Never_Verifies()
    {
        Assert.False(WebhookSignature.IsValidGitHub(Body, WebhookSignature.GitHubHeader(Body, []), []));
        Assert.False(WebhookSignature.IsValidGitLab("", []));
    }

    [Fact]
    public void A_GitLab_Token_Must_Equal_The_Secret_Exactly()
    {
        Assert.True(WebhookSignature.IsValidGitLab("It's a Secret to Everybody", Secret));
        Assert.False(WebhookSignature.IsValidGitLab("It's a Secret to Everybody ", Secret));
        Assert.False(WebhookSignature.IsValidGitLab("it's a secret to everybody", Secret));
        Assert.False(WebhookSignature.IsValidGitLab(null, Encoding.UTF8.GetBytes("x")));
    }
}
