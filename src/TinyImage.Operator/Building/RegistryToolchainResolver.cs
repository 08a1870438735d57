using Microsoft.Extensions.Logging;
using TinyImage.Oci;

namespace TinyImage.Operator.Building;

/// <summary>
/// The real <see cref="IToolchainResolver"/>: a manifest HEAD through <see cref="RegistryClient"/>, under the same
/// outbound-address policy as verification (loopback, link-local, metadata and denied cluster ranges refused unless allowed).
/// </summary>
internal sealed class RegistryToolchainResolver : IToolchainResolver, IDisposable
{
    private readonly RegistryClientOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly SocketsHttpHandler verifiedHandler;
    private readonly SocketsHttpHandler insecureHandler;

    public RegistryToolchainResolver(RegistryClientOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.time = time;
        this.logger = logger;
        verifiedHandler = RegistryHttpHandlers.Create(null, insecure: false, options.RequestTimeout, options.Outbound);
        insecureHandler = RegistryHttpHandlers.Create(null, insecure: true, options.RequestTimeout, options.Outbound);
    }

    public async Task<string> ResolveAsync(string image, bool insecure, byte[]? dockerConfigJson, CancellationToken cancellationToken)
    {
        var reference = ImageReference.Parse(image);
        var credentials = dockerConfigJson is null ? RegistryCredentials.Anonymous : RegistryCredentials.FromDockerConfigJson(dockerConfigJson);
        using var client = new RegistryClient(insecure ? insecureHandler : verifiedHandler, disposeHandler: false, options with { Credentials = credentials, Insecure = insecure }, time, logger);
        return await client.ResolveDigestAsync(reference, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        verifiedHandler.Dispose();
        insecureHandler.Dispose();
    }
}
