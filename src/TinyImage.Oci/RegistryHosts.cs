namespace TinyImage.Oci;

/// <summary>Registry host names: Docker Hub's aliases, credential keys, and the API host to connect to.</summary>
public static class RegistryHosts
{
    /// <summary>The key Docker Hub credentials are filed under.</summary>
    public const string DockerHubCredentialKey = "index.docker.io";

    /// <summary>The host serving Docker Hub's <c>/v2/</c> API.</summary>
    public const string DockerHubApiHost = "registry-1.docker.io";

    /// <summary>
    /// Normalises a <c>.dockerconfigjson</c> <c>auths</c> key or a registry name to a credential key: scheme, path and
    /// trailing slash are dropped, the host is lowercased, and every Docker Hub alias (<c>docker.io</c>,
    /// <c>registry-1.docker.io</c>, <c>https://index.docker.io/v1/</c>) becomes <c>index.docker.io</c>.
    /// </summary>
    public static string CredentialKey(string hostOrUrl)
    {
        var host = hostOrUrl.Trim();
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            host = host[..slash];
        }

        host = host.ToLowerInvariant();
        return host is "docker.io" or "index.docker.io" or "registry-1.docker.io" ? DockerHubCredentialKey : host;
    }

    /// <summary>The host[:port] to send <c>/v2/</c> requests to for a registry named in an image reference.</summary>
    public static string ApiHost(string registry) =>
        CredentialKey(registry) == DockerHubCredentialKey ? DockerHubApiHost : registry.ToLowerInvariant();
}
