using TinyImage.Oci;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// The test registries run on 127.0.0.1, which the outbound policy refuses by default: every test that means to reach them
/// says so, as an admin would with <c>--registry-allow=127.0.0.1</c>.
/// </summary>
internal static class LoopbackAllowed
{
    /// <summary>The <c>verify</c> flag.</summary>
    public const string Flag = "--registry-allow=127.0.0.1";

    /// <summary>The policy with 127.0.0.1 on the allow-list.</summary>
    public static OutboundPolicy Policy { get; } = OutboundPolicy.Create(["127.0.0.1"]);

    /// <summary>Client options reaching 127.0.0.1.</summary>
    public static RegistryClientOptions Options { get; } = new() { Outbound = Policy };
}
