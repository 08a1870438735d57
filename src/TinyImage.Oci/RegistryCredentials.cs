using System.Text;
using System.Text.Json;

namespace TinyImage.Oci;

/// <summary>
/// Credentials per registry, keyed by <see cref="RegistryHosts.CredentialKey"/>. Built from a
/// <c>kubernetes.io/dockerconfigjson</c> document (<c>auths</c> keys with or without scheme, <c>auth</c> base64 of
/// <c>user:password</c>, or <c>username</c>/<c>password</c>) or from one explicit credential.
/// </summary>
public sealed class RegistryCredentials
{
    private readonly Dictionary<string, RegistryCredential> byHost;

    private RegistryCredentials(Dictionary<string, RegistryCredential> byHost)
    {
        this.byHost = byHost;
    }

    /// <summary>No credentials: anonymous access everywhere.</summary>
    public static RegistryCredentials Anonymous { get; } = new([]);

    /// <summary>The registries credentials are known for (normalised keys).</summary>
    public IReadOnlyCollection<string> Hosts => byHost.Keys;

    /// <summary>One credential for one registry.</summary>
    public static RegistryCredentials For(string registry, RegistryCredential credential) =>
        new(new Dictionary<string, RegistryCredential>(StringComparer.Ordinal) { [RegistryHosts.CredentialKey(registry)] = credential });

    /// <summary>The credential for a registry (any Docker Hub alias finds Docker Hub's), or null.</summary>
    public RegistryCredential? Find(string registry) =>
        byHost.TryGetValue(RegistryHosts.CredentialKey(registry), out var c) ? c : null;

    /// <summary>
    /// Who a client for <paramref name="registry"/> is with these credentials: <c>anonymous</c>, or a SHA-256 of the
    /// credential it would present there (never the credential itself). Clients are shared only within one identity.
    /// </summary>
    public string IdentityFor(string registry)
    {
        if (Find(registry) is not { } credential)
        {
            return "anonymous";
        }

        var bytes = Encoding.UTF8.GetBytes(credential.Username + "\0" + credential.Password);
        try
        {
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Parses a <c>.dockerconfigjson</c> document; throws <see cref="RegistryException"/> (Malformed) when it is not one.</summary>
    public static RegistryCredentials FromDockerConfigJson(ReadOnlySpan<byte> json)
    {
        DockerConfigFile? file;
        try
        {
            file = JsonSerializer.Deserialize(json, RegistryJsonContext.Default.DockerConfigFile);
        }
        catch (JsonException e)
        {
            // The parser's message quotes the Secret's bytes ("'h' is an invalid start of a value"): only the position
            // goes into status, which more people read than the Secret.
            throw new RegistryException(RegistryErrorKind.Malformed, "The docker config JSON is not valid JSON (line " + (e.LineNumber + 1) + ", byte " + (e.BytePositionInLine + 1) + ").", e);
        }

        if (file?.Auths is null)
        {
            throw new RegistryException(RegistryErrorKind.Malformed, "The docker config JSON has no 'auths' object.");
        }

        var map = new Dictionary<string, RegistryCredential>(StringComparer.Ordinal);
        foreach (var (key, entry) in file.Auths)
        {
            if (entry is null || string.IsNullOrWhiteSpace(key))
            {
                continue;
            }

            var credential = ToCredential(key, entry);
            if (credential is not null)
            {
                // The first entry for a host wins; later aliases of the same host do not override it.
                map.TryAdd(RegistryHosts.CredentialKey(key), credential);
            }
        }

        return new RegistryCredentials(map);
    }

    private static RegistryCredential? ToCredential(string key, DockerConfigAuth entry)
    {
        if (!string.IsNullOrEmpty(entry.Auth))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(entry.Auth));
            }
            catch (FormatException e)
            {
                throw new RegistryException(RegistryErrorKind.Malformed, $"The 'auth' value for '{key}' is not base64.", e);
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new RegistryException(RegistryErrorKind.Malformed, $"The 'auth' value for '{key}' is not 'user:password'.");
            }

            return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..]);
        }

        if (!string.IsNullOrEmpty(entry.Username) && entry.Password is not null)
        {
            return new RegistryCredential(entry.Username, entry.Password);
        }

        return null;
    }
}
