using System.Net;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// The service IP and node port allocators of the Service REST storage (pkg/registry/core/service/storage/alloc.go,
/// patchAllocatedValues and normalizeClusterIPs): single-stack IPv4 from 10.96.0.0/12, node ports from 30000-32767.
/// </summary>
internal static class ServiceNetwork
{
    public const string ServiceCidr = "10.96.0.0/12";
    private const uint CidrBase = (10u << 24) | (96u << 16);
    private const uint CidrSize = 1u << 20;

    /// <summary>
    /// Fills clusterIP(s), ipFamilies, ipFamilyPolicy and node ports; returns the allocation errors. <paramref name="others"/>
    /// are the other Services (read for node ports only); <paramref name="clusterIps"/> records which Service holds which IP
    /// (<paramref name="key"/>, <c>namespace/name</c>, is this Service's).
    /// </summary>
    public static List<FieldError> Allocate(JsonObject svc, JsonObject? old, IEnumerable<JsonObject> others, ClusterIpRecord clusterIps, string key)
    {
        var errors = new List<FieldError>();
        var spec = Defaults.Obj(svc, "spec");
        var type = (string?)spec["type"] ?? "ClusterIP";
        var oldSpec = old?["spec"] as JsonObject;
        if (oldSpec is not null)
        {
            PatchAllocated(spec, oldSpec);
        }

        NormalizeClusterIps(spec, oldSpec);
        if (type == "ExternalName")
        {
            return errors;
        }

        var clusterIp = (string?)spec["clusterIP"];
        if (string.IsNullOrEmpty(clusterIp))
        {
            clusterIp = clusterIps.NextFree(key);
            spec["clusterIP"] = clusterIp;
            spec["clusterIPs"] = new JsonArray(clusterIp);
        }
        else if (clusterIp != "None" && (oldSpec is null || (string?)oldSpec["clusterIP"] != clusterIp))
        {
            if (!IPAddress.TryParse(clusterIp, out var address) || !InRange(address))
            {
                errors.Add(FieldError.Invalid("spec.clusterIPs", spec["clusterIPs"]?.DeepClone(),
                    $"failed to allocate IP {clusterIp}: the provided IP ({clusterIp}) is not in the valid range. The range of valid IPs is {ServiceCidr}"));
            }
            else if (clusterIps.Holder(clusterIp) is { } holder && holder != key)
            {
                errors.Add(FieldError.Invalid("spec.clusterIPs", spec["clusterIPs"]?.DeepClone(), $"failed to allocate IP {clusterIp}: provided IP is already allocated"));
            }
        }

        spec["ipFamilies"] ??= new JsonArray("IPv4");
        var headlessWithoutSelector = clusterIp == "None" && spec["selector"] is not JsonObject { Count: > 0 };
        spec["ipFamilyPolicy"] ??= headlessWithoutSelector ? "RequireDualStack" : "SingleStack";
        if (type is "NodePort" or "LoadBalancer" && (type == "NodePort" || spec["allocateLoadBalancerNodePorts"]?.GetValue<bool>() != false))
        {
            var usedPorts = others.SelectMany(o => Defaults.Items(o["spec"]?["ports"])).Select(p => JsonNumbers.Long(p["nodePort"]) ?? 0).ToHashSet();
            foreach (var port in Defaults.Items(spec["ports"]))
            {
                if ((JsonNumbers.Long(port["nodePort"]) ?? 0) == 0)
                {
                    var next = Enumerable.Range(30000, 2768).First(p => !usedPorts.Contains(p));
                    usedPorts.Add(next);
                    port["nodePort"] = next;
                }
            }
        }

        return errors;
    }

    /// <summary>ValidateServiceUpdate's validateUpgradeDowngradeClusterIPs, for the single-stack case.</summary>
    public static List<FieldError> ValidateUpdate(JsonObject svc, JsonObject old)
    {
        var errors = new List<FieldError>();
        var spec = svc["spec"] as JsonObject;
        var oldSpec = old["spec"] as JsonObject;
        if ((string?)spec?["type"] == "ExternalName" || (string?)oldSpec?["type"] == "ExternalName")
        {
            return errors;
        }

        var ips = spec?["clusterIPs"] as JsonArray ?? [];
        var oldIps = oldSpec?["clusterIPs"] as JsonArray ?? [];
        if ((string?)spec?["clusterIP"] == "None" && (string?)oldSpec?["clusterIP"] == "None")
        {
            return errors;
        }

        if (ips.Count == oldIps.Count)
        {
            for (var i = 0; i < oldIps.Count; i++)
            {
                if ((string?)oldIps[i] != (string?)ips[i])
                {
                    errors.Add(FieldError.Invalid($"spec.clusterIPs[{i}]", ips.DeepClone(), "may not change once set"));
                }
            }
        }
        else if (ips.Count < oldIps.Count && ips.Count == 0)
        {
            errors.Add(FieldError.Required("spec.clusterIPs[0]", "primary clusterIP can not be unset"));
        }

        return errors;
    }

    private static void PatchAllocated(JsonObject spec, JsonObject oldSpec)
    {
        static bool NeedsClusterIp(JsonObject s) => (string?)s["type"] is not "ExternalName";
        if (NeedsClusterIp(spec) && NeedsClusterIp(oldSpec))
        {
            if (string.IsNullOrEmpty((string?)spec["clusterIP"]) && oldSpec["clusterIP"] is not null)
            {
                spec["clusterIP"] = oldSpec["clusterIP"]!.DeepClone();
            }

            if (spec["clusterIPs"] is not JsonArray { Count: > 0 } && oldSpec["clusterIPs"] is JsonArray { Count: > 0 } oldIps)
            {
                spec["clusterIPs"] = oldIps.DeepClone();
            }
        }

        foreach (var port in Defaults.Items(spec["ports"]))
        {
            if ((JsonNumbers.Long(port["nodePort"]) ?? 0) == 0
                && Defaults.Items(oldSpec["ports"]).FirstOrDefault(o => JsonNumbers.Long(o["port"]) == JsonNumbers.Long(port["port"])) is { } match
                && JsonNumbers.Long(match["nodePort"]) is > 0 and var nodePort)
            {
                port["nodePort"] = nodePort;
            }
        }

        if (spec["ipFamilies"] is null && oldSpec["ipFamilies"] is { } families)
        {
            spec["ipFamilies"] = families.DeepClone();
        }

        if (spec["ipFamilyPolicy"] is null && oldSpec["ipFamilyPolicy"] is { } policy)
        {
            spec["ipFamilyPolicy"] = policy.DeepClone();
        }
    }

    private static void NormalizeClusterIps(JsonObject spec, JsonObject? oldSpec)
    {
        var ip = (string?)spec["clusterIP"] ?? "";
        var ips = spec["clusterIPs"] as JsonArray;
        if (oldSpec is null)
        {
            if (ip.Length > 0 && ips is not { Count: > 0 })
            {
                spec["clusterIPs"] = new JsonArray(ip);
            }

            return;
        }

        var oldIp = (string?)oldSpec["clusterIP"] ?? "";
        var same = JsonNode.DeepEquals(spec["clusterIPs"], oldSpec["clusterIPs"]);
        if (oldIp != ip)
        {
            if (oldIp.Length > 0 && ip.Length == 0)
            {
                if (same)
                {
                    spec.Remove("clusterIPs");
                }
            }
            else if (same)
            {
                spec["clusterIPs"] = new JsonArray(ip);
            }
        }
    }

    private static bool InRange(IPAddress address)
    {
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        var value = ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        return value > CidrBase && value < CidrBase + CidrSize - 1;
    }
}
