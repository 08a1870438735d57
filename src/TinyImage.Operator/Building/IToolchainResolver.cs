namespace TinyImage.Operator.Building;

/// <summary>Resolves a toolchain image named by tag to the digest the tag names now.</summary>
internal interface IToolchainResolver
{
    /// <summary>
    /// The digest <paramref name="image"/> names now. Throws <see cref="Oci.RegistryException"/> or
    /// <see cref="Oci.OutboundRefusedException"/> when the registry cannot tell.
    /// </summary>
    /// <param name="image">An image reference by tag.</param>
    /// <param name="insecure">Plain HTTP (or TLS without verification) allowed, as for the TinyImage's output registry.</param>
    /// <param name="dockerConfigJson">The push Secret's docker config, for a private registry; null: anonymous.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    Task<string> ResolveAsync(string image, bool insecure, byte[]? dockerConfigJson, CancellationToken cancellationToken);
}
