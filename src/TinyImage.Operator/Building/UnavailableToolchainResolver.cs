using TinyImage.Oci;

namespace TinyImage.Operator.Building;

/// <summary>A resolver for where no registry may be asked (tests of steps that use pinned images only): every tag is unresolvable.</summary>
internal sealed class UnavailableToolchainResolver : IToolchainResolver
{
    public static UnavailableToolchainResolver Instance { get; } = new();

    public Task<string> ResolveAsync(string image, bool insecure, byte[]? dockerConfigJson, CancellationToken cancellationToken) =>
        throw new RegistryException(RegistryErrorKind.DestinationRefused, "no registry is configured for resolving " + image);
}
