using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// status.qosClass of a new Pod (pkg/registry/core/pod/strategy.go PrepareForCreate, pkg/apis/core/helper/qos
/// GetPodQOS): BestEffort without cpu/memory requests or limits, Guaranteed when every container limits cpu and
/// memory with requests equal to the limits, Burstable otherwise.
/// </summary>
internal static class PodQos
{
    private static readonly string[] Compute = ["cpu", "memory"];

    public static string Of(JsonObject pod)
    {
        var containers = Defaults.Items(pod["spec"]?["containers"]).Concat(Defaults.Items(pod["spec"]?["initContainers"])).ToList();
        var any = false;
        var guaranteed = true;
        foreach (var c in containers)
        {
            var requests = c["resources"]?["requests"] as JsonObject;
            var limits = c["resources"]?["limits"] as JsonObject;
            foreach (var r in Compute)
            {
                var request = (string?)requests?[r];
                var limit = (string?)limits?[r];
                any |= (request is not null && request != "0") || (limit is not null && limit != "0");
                guaranteed &= limit is not null && limit != "0" && (request is null || request == limit);
            }
        }

        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }
}
