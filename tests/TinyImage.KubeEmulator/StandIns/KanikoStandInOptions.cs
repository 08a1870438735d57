namespace TinyImage.KubeEmulator.StandIns;

/// <summary>What the Kaniko stand-in knows about its world.</summary>
/// <param name="RegistryHost">The one registry it can push to, <c>127.0.0.1:PORT</c>; other destinations fail the build.</param>
/// <param name="CertDirectory">The directory with the registry's CA (<c>ca.crt</c>), as Kaniko would trust it from <c>/kaniko/ssl/certs</c>.</param>
/// <param name="Binaries">The prebuilt binaries that stand in for cargo.</param>
/// <param name="WorkDirectory">Where image layouts are written before the push.</param>
public sealed record KanikoStandInOptions(string RegistryHost, string? CertDirectory, PrebuiltBinaries Binaries, string WorkDirectory)
{
    /// <summary>The clock for image timestamps without <c>--reproducible</c>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
