using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// The service IP allocator's record of which Service holds which clusterIP (<see cref="Builtins.ClusterIpRecord"/>), kept
/// up to date at every commit, so allocating an IP for a new Service neither reads every stored Service nor tries every
/// address held before it.
/// </summary>
internal sealed partial class ObjectStore
{
    private readonly Builtins.ClusterIpRecord _clusterIps = new();

    private void IndexClusterIpLocked((string, string) storageKey, string key, JsonObject committed, bool deleted)
    {
        if (storageKey != ("", "services"))
        {
            return;
        }

        _clusterIps.Set(key, deleted ? null : (string?)committed["spec"]?["clusterIP"]);
    }
}
