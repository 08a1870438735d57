using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>Store entry points for the simulated cluster's controllers (kubelet, Job controller, Job stand-in).</summary>
internal sealed partial class ObjectStore
{
    /// <summary>
    /// A status write of a controller inside the emulator that edits only the status: <see cref="Mutate"/> with
    /// <c>statusOnly</c>, but <paramref name="edit"/> gets a candidate holding a copy of the stored status alone (no field
    /// when the stored object has none) and the stored object itself to read (read-only: never change it), instead of a
    /// presented copy of the whole object. A status write takes everything but the status from the stored object whatever the
    /// candidate holds, so the commit is the one <see cref="Mutate"/> makes (nothing is written when the status is unchanged);
    /// only the copy of the other fields to edit, and their comparison with the stored ones, are gone. A kind presented other
    /// than as stored (schema defaults, events.k8s.io) is written through <see cref="Mutate"/>.
    /// </summary>
    public ApiResult MutateStatus(ResourceType type, string? ns, string name, Action<JsonObject, JsonObject> edit)
    {
        lock (_gate)
        {
            var existing = Find(type, ns, name);
            if (existing is null)
            {
                return ApiErrors.NotFound(type, name);
            }

            if (!PresentsAsStored(type, existing))
            {
                var copy = Present(type, existing);
                edit(copy, copy);
                return UpdateLocked(type, existing, copy, statusOnly: true, dryRun: false, owned: true);
            }

            var candidate = new JsonObject();
            if (existing.TryGetPropertyValue("status", out var status))
            {
                candidate["status"] = status?.DeepClone();
            }

            edit(candidate, existing);
            return UpdateLocked(type, existing, candidate, statusOnly: true, dryRun: false, owned: true);
        }
    }
}
