using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>networking.k8s.io/v1 NetworkPolicy defaults (pkg/apis/networking/v1/defaults.go).</summary>
internal static partial class Defaults
{
    /// <summary>
    /// SetDefaults_NetworkPolicyPort: a port without protocol is TCP. SetDefaults_NetworkPolicy: no policyTypes means
    /// [Ingress], plus Egress when the policy has egress rules.
    /// </summary>
    private static void NetworkPolicy(JsonObject policy)
    {
        var spec = Obj(policy, "spec");
        foreach (var rule in Items(spec["ingress"]).Concat(Items(spec["egress"])))
        {
            foreach (var port in Items(rule["ports"]))
            {
                if (port["protocol"] is null)
                {
                    port["protocol"] = "TCP";
                    changed = true;
                }
            }
        }

        if (spec["policyTypes"] is not JsonArray { Count: > 0 })
        {
            var types = new JsonArray("Ingress");
            if (spec["egress"] is JsonArray { Count: > 0 })
            {
                types.Add((JsonNode)"Egress");
            }

            spec["policyTypes"] = types;
            changed = true;
        }
    }
}
