using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// The service IP allocator's record of which Service holds which clusterIP (the real server keeps it in its IP
/// allocator, pkg/registry/core/service/ipallocator), kept up to date at every commit, so allocating an IP for a new
/// Service does not read every stored Service.
/// </summary>
internal sealed partial class ObjectStore
{
    private readonly Dictionary<string, string> _clusterIpHolders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _clusterIpOf = new(StringComparer.Ordinal);

    /// <summary>The storage key (<c>namespace/name</c>) of the Service that holds <paramref name="ip"/>, or null.</summary>
    private string? ClusterIpHolderLocked(string ip) => _clusterIpHolders.GetValueOrDefault(ip);

    private void IndexClusterIpLocked((string, string) storageKey, string key, JsonObject committed, bool deleted)
    {
        if (storageKey != ("", "services"))
        {
            return;
        }

        if (_clusterIpOf.Remove(key, out var previous) && _clusterIpHolders.GetValueOrDefault(previous) == key)
        {
            _clusterIpHolders.Remove(previous);
        }

        if (!deleted && (string?)committed["spec"]?["clusterIP"] is { Length: > 0 } ip && ip != "None")
        {
            _clusterIpHolders[ip] = key;
            _clusterIpOf[key] = ip;
        }
    }
}
