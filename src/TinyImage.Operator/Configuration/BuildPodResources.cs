using k8s.Models;
using TinyImage.Api.V1Alpha1;

namespace TinyImage.Operator.Configuration;

/// <summary>
/// The Kaniko container's requests and limits when a TinyImage leaves them out, so no build pod runs unbounded. A
/// TinyImage's own limits win; its requests keep the default limit where they fit under it, otherwise the limit of that
/// resource is left to the namespace's LimitRange (a request above its limit would be refused by the API server).
/// </summary>
/// <param name="Requests">Default requests (flag <c>--build-requests cpu=250m,memory=512Mi</c>).</param>
/// <param name="Limits">Default limits (flag <c>--build-limits cpu=2,memory=4Gi</c>).</param>
internal sealed record BuildPodResources(IReadOnlyDictionary<string, ResourceQuantity> Requests, IReadOnlyDictionary<string, ResourceQuantity> Limits)
{
    /// <summary>A release build of a small Rust crate with cargo-auditable fits in 4 GiB; Kaniko's snapshots need little CPU.</summary>
    public static BuildPodResources Default { get; } = new(
        new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["cpu"] = new("250m"), ["memory"] = new("512Mi") },
        new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["cpu"] = new("2"), ["memory"] = new("4Gi") });

    /// <summary>The Kaniko container's resources: the TinyImage's, completed with these defaults.</summary>
    public V1ResourceRequirements? For(ResourceRequirementsSpec? spec)
    {
        var requests = spec?.Requests is { Count: > 0 } r ? new Dictionary<string, ResourceQuantity>(r, StringComparer.Ordinal) : null;
        var limits = spec?.Limits is { Count: > 0 } l ? new Dictionary<string, ResourceQuantity>(l, StringComparer.Ordinal) : null;
        if (limits is null)
        {
            limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
            foreach (var (name, limit) in Limits)
            {
                if (requests is null || !requests.TryGetValue(name, out var request) || request.ToDecimal() <= limit.ToDecimal())
                {
                    limits[name] = limit;
                }
            }
        }

        // Without requests the API server takes them from the limits; the defaults are only for a spec with neither.
        requests ??= spec?.Limits is { Count: > 0 } ? null : new Dictionary<string, ResourceQuantity>(Requests, StringComparer.Ordinal);
        if (requests is not null)
        {
            foreach (var name in requests.Keys.ToList())
            {
                if (limits.TryGetValue(name, out var limit) && requests[name].ToDecimal() > limit.ToDecimal() && spec?.Requests?.ContainsKey(name) != true)
                {
                    requests.Remove(name);
                }
            }
        }

        return new V1ResourceRequirements
        {
            Requests = requests is { Count: > 0 } ? requests : null,
            Limits = limits.Count > 0 ? limits : null,
        };
    }
}
