using TinyImage.KubeEmulator.Builtins;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Builtins;

/// <summary>Cases from k8s.io/apimachinery/pkg/api/resource/quantity_test.go (TestQuantityParseEmit, TestQuantityString alternates, TestQuantityParse invalid).</summary>
public sealed class QuantityTests
{
    [Theory]
    [InlineData("1Ki", "1Ki")]
    [InlineData("1Mi", "1Mi")]
    [InlineData("1Gi", "1Gi")]
    [InlineData("1024Mi", "1Gi")]
    [InlineData("1000M", "1G")]
    [InlineData(".001Ki", "1024m")]
    [InlineData(".000001Ki", "1024u")]
    [InlineData(".000000001Ki", "1024n")]
    [InlineData(".000000000001Ki", "2n")]
    [InlineData("307200Ki", "300Mi")]
    [InlineData("1025024Mi", "1001Gi")]
    [InlineData("5000m", "5")]
    [InlineData("0.5", "500m")]
    [InlineData("0.001T", "1G")]
    [InlineData("1000u", "1m")]
    [InlineData("1.08", "1080m")]
    [InlineData("1080000000n", "1080m")]
    [InlineData(".001e12", "1e9")]
    [InlineData("0.001e0", "1e-3")]
    [InlineData("1000e-12", "1e-9")]
    [InlineData("00", "0")]
    [InlineData("1000m", "1")]
    [InlineData("1e3", "1e3")]
    [InlineData("3.001n", "4n")]
    [InlineData("-1024Mi", "-1Gi")]
    [InlineData("100Mi", "100Mi")]
    public void A_Quantity_Is_Written_In_The_Servers_Canonical_Form(string input, string canonical)
    {
        Assert.Equal(canonical, Quantity.Canonical(input, roundToMilli: false, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("1.1.M")]
    [InlineData("1+1.0M")]
    [InlineData("0.1mi")]
    [InlineData("0.1am")]
    [InlineData("aoeu")]
    [InlineData(".5i")]
    [InlineData("1i")]
    [InlineData("-3.01i")]
    [InlineData("-3.01e-")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("")]
    public void A_Malformed_Quantity_Is_Refused(string input)
    {
        Assert.Null(Quantity.Canonical(input, roundToMilli: false, out var error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("100n", "1m")]
    [InlineData("1.5", "1500m")]
    [InlineData("1500u", "2m")]
    public void A_Resource_List_Value_Is_Rounded_Up_To_Milli(string input, string canonical) =>
        Assert.Equal(canonical, Quantity.Canonical(input, roundToMilli: true, out _));
}
