using System.Globalization;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// The Pod Security Standards checks of the policy version "latest" (Kubernetes 1.35), as
/// staging/src/k8s.io/pod-security-admission/policy/check_*.go words their forbidden reasons and details.
/// Not carried: hostProbesAndHostLifecycle, windowsHostProcess, the appArmorProfile field (annotations are checked),
/// user-namespace relaxations (off by default upstream).
/// </summary>
internal static class PodSecurityChecks
{
    private static readonly HashSet<string> BaselineCapabilities =
        ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];

    private static readonly HashSet<string> SafeSysctls =
    [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
    ];

    private static readonly HashSet<string> SeLinuxTypes = ["", "container_t", "container_init_t", "container_kvm_t"];

    private static readonly string[] AllowedVolumeSources = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

    private static readonly string[] RestrictedVolumeSources =
    [
        "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume", "cinder",
        "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos",
    ];

    /// <summary>Every check, in upstream's evaluation order: baseline IDs sorted, then restricted IDs sorted (ordinal).</summary>
    public static IReadOnlyList<PodSecurityCheck> All { get; } =
    [
        new("appArmorProfile", PodSecurityLevel.Baseline, AppArmor),
        new("capabilities_baseline", PodSecurityLevel.Baseline, CapabilitiesBaseline),
        new("hostNamespaces", PodSecurityLevel.Baseline, HostNamespaces),
        new("hostPathVolumes", PodSecurityLevel.Baseline, HostPathVolumes),
        new("hostPorts", PodSecurityLevel.Baseline, HostPorts),
        new("privileged", PodSecurityLevel.Baseline, Privileged),
        new("procMount", PodSecurityLevel.Baseline, ProcMount),
        new("seLinuxOptions", PodSecurityLevel.Baseline, SeLinuxOptions),
        new("seccompProfile_baseline", PodSecurityLevel.Baseline, SeccompBaseline),
        new("sysctls", PodSecurityLevel.Baseline, Sysctls),
        new("allowPrivilegeEscalation", PodSecurityLevel.Restricted, AllowPrivilegeEscalation),
        new("capabilities_restricted", PodSecurityLevel.Restricted, CapabilitiesRestricted, Overrides: "capabilities_baseline"),
        new("restrictedVolumes", PodSecurityLevel.Restricted, RestrictedVolumes, Overrides: "hostPathVolumes"),
        new("runAsNonRoot", PodSecurityLevel.Restricted, RunAsNonRoot),
        new("runAsUser", PodSecurityLevel.Restricted, RunAsUser),
        new("seccompProfile_restricted", PodSecurityLevel.Restricted, SeccompRestricted, Overrides: "seccompProfile_baseline"),
    ];

    private static (string, string)? AppArmor(JsonObject meta, JsonObject spec)
    {
        var bad = new List<string>();
        foreach (var (key, value) in meta["annotations"] as JsonObject ?? [])
        {
            var profile = value?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)value ?? "" : "";
            if (key.StartsWith("container.apparmor.security.beta.kubernetes.io/", StringComparison.Ordinal)
                && profile.Length > 0 && profile != "runtime/default" && !profile.StartsWith("localhost/", StringComparison.Ordinal))
            {
                bad.Add($"{key}=\"{profile}\"");
            }
        }

        bad.Sort(StringComparer.Ordinal);
        return bad.Count == 0 ? null : (Plural("forbidden AppArmor profile", "forbidden AppArmor profiles", bad.Count), string.Join(", ", bad));
    }

    private static (string, string)? CapabilitiesBaseline(JsonObject meta, JsonObject spec)
    {
        var badContainers = new List<string>();
        var caps = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var c in Containers(spec))
        {
            if (c["securityContext"]?["capabilities"] is not JsonObject capabilities)
            {
                continue;
            }

            var added = Strings(capabilities["add"]).Where(a => !BaselineCapabilities.Contains(a)).ToList();
            caps.UnionWith(added);
            if (added.Count > 0)
            {
                badContainers.Add(Name(c));
            }
        }

        return badContainers.Count == 0
            ? null
            : ("non-default capabilities", $"{Plural("container", "containers", badContainers.Count)} {JoinQuote(badContainers)} must not include {JoinQuote(caps)} in securityContext.capabilities.add");
    }

    private static (string, string)? HostNamespaces(JsonObject meta, JsonObject spec)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var field in new[] { "hostNetwork", "hostPID", "hostIPC" })
        {
            if (Bool(spec[field]) == true)
            {
                set.Add(field);
            }
        }

        return set.Count == 0 ? null : ("host namespaces", string.Join(", ", set));
    }

    private static (string, string)? HostPathVolumes(JsonObject meta, JsonObject spec)
    {
        var names = Volumes(spec).Where(v => v["hostPath"] is JsonObject).Select(Name).ToList();
        return names.Count == 0 ? null : ("hostPath volumes", $"{Plural("volume", "volumes", names.Count)} {JoinQuote(names)}");
    }

    private static (string, string)? HostPorts(JsonObject meta, JsonObject spec)
    {
        var badContainers = new List<string>();
        var ports = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var c in Containers(spec))
        {
            var used = (c["ports"] as JsonArray ?? []).Select(p => JsonNumbers.Long(p?["hostPort"]) ?? 0).Where(p => p != 0).ToList();
            ports.UnionWith(used.Select(p => p.ToString(CultureInfo.InvariantCulture)));
            if (used.Count > 0)
            {
                badContainers.Add(Name(c));
            }
        }

        return badContainers.Count == 0
            ? null
            : ("hostPort", $"{Plural("container", "containers", badContainers.Count)} {JoinQuote(badContainers)} {Plural("uses", "use", badContainers.Count)} {Plural("hostPort", "hostPorts", ports.Count)} {string.Join(", ", ports)}");
    }

    private static (string, string)? Privileged(JsonObject meta, JsonObject spec)
    {
        var bad = Containers(spec).Where(c => Bool(c["securityContext"]?["privileged"]) == true).Select(Name).ToList();
        return bad.Count == 0 ? null : ("privileged", $"{Plural("container", "containers", bad.Count)} {JoinQuote(bad)} must not set securityContext.privileged=true");
    }

    private static (string, string)? ProcMount(JsonObject meta, JsonObject spec)
    {
        var bad = new List<string>();
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var c in Containers(spec))
        {
            if (Str(c["securityContext"]?["procMount"]) is { } procMount && procMount != "Default")
            {
                bad.Add(Name(c));
                types.Add(procMount);
            }
        }

        return bad.Count == 0 ? null : ("procMount", $"{Plural("container", "containers", bad.Count)} {JoinQuote(bad)} must not set securityContext.procMount to {JoinQuote(types)}");
    }

    private static (string, string)? SeLinuxOptions(JsonObject meta, JsonObject spec)
    {
        var badSetters = new List<string>();
        var badTypes = new SortedSet<string>(StringComparer.Ordinal);
        bool setUser = false, setRole = false;
        bool Valid(JsonObject o)
        {
            var valid = true;
            var type = Str(o["type"]) ?? "";
            if (!SeLinuxTypes.Contains(type))
            {
                valid = false;
                badTypes.Add(type);
            }

            if (!string.IsNullOrEmpty(Str(o["user"])))
            {
                valid = false;
                setUser = true;
            }

            if (!string.IsNullOrEmpty(Str(o["role"])))
            {
                valid = false;
                setRole = true;
            }

            return valid;
        }

        if (spec["securityContext"]?["seLinuxOptions"] is JsonObject podOptions && !Valid(podOptions))
        {
            badSetters.Add("pod");
        }

        var badContainers = Containers(spec).Where(c => c["securityContext"]?["seLinuxOptions"] is JsonObject o && !Valid(o)).Select(Name).ToList();
        if (badContainers.Count > 0)
        {
            badSetters.Add($"{Plural("container", "containers", badContainers.Count)} {JoinQuote(badContainers)}");
        }

        if (badSetters.Count == 0)
        {
            return null;
        }

        // Upstream names user and role only beside a forbidden type; ported as it is.
        var data = new List<string>();
        if (badTypes.Count > 0)
        {
            data.Add($"{Plural("type", "types", badTypes.Count)} {JoinQuote(badTypes)}");
            if (setUser)
            {
                data.Add("user may not be set");
            }

            if (setRole)
            {
                data.Add("role may not be set");
            }
        }

        return ("seLinuxOptions", $"{string.Join(" and ", badSetters)} set forbidden securityContext.seLinuxOptions: {string.Join("; ", data)}");
    }

    private static (string, string)? SeccompBaseline(JsonObject meta, JsonObject spec)
    {
        var badSetters = new List<string>();
        var badValues = new SortedSet<string>(StringComparer.Ordinal);
        if (spec["securityContext"]?["seccompProfile"] is JsonObject pod && !ValidSeccomp(pod))
        {
            badSetters.Add("pod");
            badValues.Add(Str(pod["type"]) ?? "");
        }

        var bad = new List<string>();
        foreach (var c in Containers(spec))
        {
            if (c["securityContext"]?["seccompProfile"] is JsonObject p && !ValidSeccomp(p))
            {
                bad.Add(Name(c));
                badValues.Add(Str(p["type"]) ?? "");
            }
        }

        if (bad.Count > 0)
        {
            badSetters.Add($"{Plural("container", "containers", bad.Count)} {JoinQuote(bad)}");
        }

        return badSetters.Count == 0
            ? null
            : ("seccompProfile", $"{string.Join(" and ", badSetters)} must not set securityContext.seccompProfile.type to {JoinQuote(badValues)}");
    }

    private static (string, string)? Sysctls(JsonObject meta, JsonObject spec)
    {
        var bad = (spec["securityContext"]?["sysctls"] as JsonArray ?? []).Select(s => Str(s?["name"]) ?? "").Where(n => !SafeSysctls.Contains(n)).ToList();
        return bad.Count == 0 ? null : ("forbidden sysctls", string.Join(", ", bad));
    }

    private static (string, string)? AllowPrivilegeEscalation(JsonObject meta, JsonObject spec)
    {
        if (IsWindows(spec))
        {
            return null;
        }

        var bad = Containers(spec).Where(c => Bool(c["securityContext"]?["allowPrivilegeEscalation"]) != false).Select(Name).ToList();
        return bad.Count == 0
            ? null
            : ("allowPrivilegeEscalation != false", $"{Plural("container", "containers", bad.Count)} {JoinQuote(bad)} must set securityContext.allowPrivilegeEscalation=false");
    }

    private static (string, string)? CapabilitiesRestricted(JsonObject meta, JsonObject spec)
    {
        if (IsWindows(spec))
        {
            return null;
        }

        var missingDropAll = new List<string>();
        var adding = new List<string>();
        var forbidden = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var c in Containers(spec))
        {
            if (c["securityContext"]?["capabilities"] is not JsonObject capabilities)
            {
                missingDropAll.Add(Name(c));
                continue;
            }

            if (!Strings(capabilities["drop"]).Contains("ALL"))
            {
                missingDropAll.Add(Name(c));
            }

            var added = Strings(capabilities["add"]).Where(a => a != "NET_BIND_SERVICE").ToList();
            forbidden.UnionWith(added);
            if (added.Count > 0)
            {
                adding.Add(Name(c));
            }
        }

        var details = new List<string>();
        if (missingDropAll.Count > 0)
        {
            details.Add($"{Plural("container", "containers", missingDropAll.Count)} {JoinQuote(missingDropAll)} must set securityContext.capabilities.drop=[\"ALL\"]");
        }

        if (adding.Count > 0)
        {
            details.Add($"{Plural("container", "containers", adding.Count)} {JoinQuote(adding)} must not include {JoinQuote(forbidden)} in securityContext.capabilities.add");
        }

        return details.Count == 0 ? null : ("unrestricted capabilities", string.Join("; ", details));
    }

    private static (string, string)? RestrictedVolumes(JsonObject meta, JsonObject spec)
    {
        var bad = new List<string>();
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var v in Volumes(spec))
        {
            if (AllowedVolumeSources.Any(s => v[s] is JsonObject))
            {
                continue;
            }

            bad.Add(Name(v));
            types.Add(RestrictedVolumeSources.FirstOrDefault(s => v[s] is JsonObject) ?? "unknown");
        }

        return bad.Count == 0
            ? null
            : ("restricted volume types",
                $"{Plural("volume", "volumes", bad.Count)} {JoinQuote(bad)} {Plural("uses", "use", bad.Count)} {Plural("restricted volume type", "restricted volume types", types.Count)} {JoinQuote(types)}");
    }

    private static (string, string)? RunAsNonRoot(JsonObject meta, JsonObject spec)
    {
        var badSetters = new List<string>();
        var podNonRoot = false;
        if (Bool(spec["securityContext"]?["runAsNonRoot"]) is { } pod)
        {
            if (pod)
            {
                podNonRoot = true;
            }
            else
            {
                badSetters.Add("pod");
            }
        }

        var explicitlyBad = new List<string>();
        var implicitlyBad = new List<string>();
        foreach (var c in Containers(spec))
        {
            switch (Bool(c["securityContext"]?["runAsNonRoot"]))
            {
                case false:
                    explicitlyBad.Add(Name(c));
                    break;
                case null when !podNonRoot:
                    implicitlyBad.Add(Name(c));
                    break;
            }
        }

        if (explicitlyBad.Count > 0)
        {
            badSetters.Add($"{Plural("container", "containers", explicitlyBad.Count)} {JoinQuote(explicitlyBad)}");
        }

        if (badSetters.Count > 0)
        {
            return ("runAsNonRoot != true", $"{string.Join(" and ", badSetters)} must not set securityContext.runAsNonRoot=false");
        }

        return implicitlyBad.Count == 0
            ? null
            : ("runAsNonRoot != true", $"pod or {Plural("container", "containers", implicitlyBad.Count)} {JoinQuote(implicitlyBad)} must set securityContext.runAsNonRoot=true");
    }

    private static (string, string)? RunAsUser(JsonObject meta, JsonObject spec)
    {
        var badSetters = new List<string>();
        if (JsonNumbers.Long(spec["securityContext"]?["runAsUser"]) == 0)
        {
            badSetters.Add("pod");
        }

        var bad = Containers(spec).Where(c => JsonNumbers.Long(c["securityContext"]?["runAsUser"]) == 0).Select(Name).ToList();
        if (bad.Count > 0)
        {
            badSetters.Add($"{Plural("container", "containers", bad.Count)} {JoinQuote(bad)}");
        }

        return badSetters.Count == 0 ? null : ("runAsUser=0", $"{string.Join(" and ", badSetters)} must not set runAsUser=0");
    }

    private static (string, string)? SeccompRestricted(JsonObject meta, JsonObject spec)
    {
        if (IsWindows(spec))
        {
            return null;
        }

        var badSetters = new List<string>();
        var badValues = new SortedSet<string>(StringComparer.Ordinal);
        var podSet = false;
        if (spec["securityContext"]?["seccompProfile"] is JsonObject pod)
        {
            if (ValidSeccomp(pod))
            {
                podSet = true;
            }
            else
            {
                badSetters.Add("pod");
                badValues.Add(Str(pod["type"]) ?? "");
            }
        }

        var explicitlyBad = new List<string>();
        var implicitlyBad = new List<string>();
        foreach (var c in Containers(spec))
        {
            if (c["securityContext"]?["seccompProfile"] is JsonObject p)
            {
                if (!ValidSeccomp(p))
                {
                    explicitlyBad.Add(Name(c));
                    badValues.Add(Str(p["type"]) ?? "");
                }
            }
            else if (!podSet)
            {
                implicitlyBad.Add(Name(c));
            }
        }

        if (explicitlyBad.Count > 0)
        {
            badSetters.Add($"{Plural("container", "containers", explicitlyBad.Count)} {JoinQuote(explicitlyBad)}");
        }

        if (badSetters.Count > 0)
        {
            return ("seccompProfile", $"{string.Join(" and ", badSetters)} must not set securityContext.seccompProfile.type to {JoinQuote(badValues)}");
        }

        return implicitlyBad.Count == 0
            ? null
            : ("seccompProfile", $"pod or {Plural("container", "containers", implicitlyBad.Count)} {JoinQuote(implicitlyBad)} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
    }

    /// <summary>Init containers, containers, then ephemeral containers, as upstream's visitor walks them.</summary>
    private static IEnumerable<JsonObject> Containers(JsonObject spec) =>
        new[] { "initContainers", "containers", "ephemeralContainers" }.SelectMany(f => (spec[f] as JsonArray ?? []).OfType<JsonObject>());

    private static IEnumerable<JsonObject> Volumes(JsonObject spec) => (spec["volumes"] as JsonArray ?? []).OfType<JsonObject>();

    private static bool ValidSeccomp(JsonObject profile) => Str(profile["type"]) is "RuntimeDefault" or "Localhost";

    private static bool IsWindows(JsonObject spec) => Str(spec["os"]?["name"]) == "windows";

    private static string Name(JsonObject o) => Str(o["name"]) ?? "";

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool? Bool(JsonNode? n) => n is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static List<string> Strings(JsonNode? n) => [.. (n as JsonArray ?? []).Select(Str).OfType<string>()];

    private static string Plural(string singular, string plural, int count) => count == 1 ? singular : plural;

    private static string JoinQuote(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "" : "\"" + string.Join("\", \"", list) + "\"";
    }
}
