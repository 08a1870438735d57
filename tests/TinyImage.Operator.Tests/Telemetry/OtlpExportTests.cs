using TinyImage.Operator.Telemetry;
using Xunit;

namespace TinyImage.Operator.Tests.Telemetry;

public sealed class OtlpExportTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Nothing_Is_Started_Without_An_Otlp_Endpoint(string? endpoint)
    {
        using var providers = OtlpExport.StartIfConfigured(name => name == OtlpExport.EndpointVariable ? endpoint : "unexpected");

        Assert.Null(providers);
    }
}
