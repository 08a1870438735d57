using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// The defaulting the API server applies when it decodes a built-in object (pkg/apis/core/v1/defaults.go,
/// pkg/apis/apps/v1/defaults.go, pkg/apis/batch/v1/defaults.go and the declarative +default markers), on the
/// object after its Go round trip.
/// </summary>
internal static partial class Defaults
{
    [ThreadStatic]
    private static bool changed;

    /// <summary>Applies the defaults of <paramref name="type"/>; true when anything was added or changed.</summary>
    public static bool Apply(ResourceType type, JsonObject obj)
    {
        changed = false;
        switch (type.Group, type.Plural)
        {
            case ("", "pods"):
                if (obj["spec"] is JsonObject podSpec)
                {
                    PodSpec(podSpec, isPod: true);
                }

                break;
            case ("apps", "deployments"):
                Deployment(obj);
                break;
            case ("batch", "jobs"):
                Job(obj);
                break;
            case ("", "services"):
                Service(obj);
                break;
            case ("", "secrets"):
                Secret(obj);
                break;
            case ("networking.k8s.io", "networkpolicies"):
                NetworkPolicy(obj);
                break;
            case ("", "namespaces"):
                if ((string?)obj["metadata"]?["name"] is { Length: > 0 } nsName)
                {
                    var labels = Labels(obj);
                    if ((string?)labels["kubernetes.io/metadata.name"] != nsName)
                    {
                        labels["kubernetes.io/metadata.name"] = nsName;
                        changed = true;
                    }
                }

                break;
        }

        return changed;
    }

    private static void Deployment(JsonObject d)
    {
        var spec = Obj(d, "spec");
        Def(spec, "replicas", 1);
        var strategy = Obj(spec, "strategy");
        Def(strategy, "type", "RollingUpdate");
        if ((string?)strategy["type"] == "RollingUpdate")
        {
            var rolling = Obj(strategy, "rollingUpdate");
            Def(rolling, "maxUnavailable", "25%");
            Def(rolling, "maxSurge", "25%");
        }

        Def(spec, "revisionHistoryLimit", 10);
        Def(spec, "progressDeadlineSeconds", 600);
        PodSpec(Obj(Obj(spec, "template"), "spec"), isPod: false);
    }

    private static void Job(JsonObject job)
    {
        var spec = Obj(job, "spec");
        if (spec["completions"] is null && spec["parallelism"] is null)
        {
            spec["completions"] = 1;
            changed = true;
        }

        Def(spec, "parallelism", 1);
        Def(spec, "backoffLimit", spec["backoffLimitPerIndex"] is null ? 6 : int.MaxValue);
        var template = Obj(spec, "template");
        if (template["metadata"]?["labels"] is JsonObject templateLabels && job["metadata"]?["labels"] is not JsonObject { Count: > 0 })
        {
            Obj(job, "metadata")["labels"] = templateLabels.DeepClone();
            changed = true;
        }

        Def(spec, "completionMode", "NonIndexed");
        Def(spec, "suspend", false);
        Def(spec, "podReplacementPolicy", spec["podFailurePolicy"] is null ? "TerminatingOrFailed" : "Failed");
        Def(spec, "manualSelector", false);
        foreach (var rule in Items(spec["podFailurePolicy"]?["rules"]))
        {
            foreach (var pattern in Items(rule["onPodConditions"]))
            {
                Def(pattern, "status", "True");
            }
        }

        PodSpec(Obj(template, "spec"), isPod: false);
    }

    /// <summary>SetDefaults_PodSpec and everything nested (containers, volumes, probes); SetDefaults_Pod only for Pods.</summary>
    private static void PodSpec(JsonObject spec, bool isPod)
    {
        Def(spec, "dnsPolicy", "ClusterFirst");
        Def(spec, "restartPolicy", "Always");
        Def(spec, "securityContext", new JsonObject());
        Def(spec, "terminationGracePeriodSeconds", 30);
        Def(spec, "schedulerName", "default-scheduler");
        foreach (var list in new[] { "initContainers", "containers", "ephemeralContainers" })
        {
            foreach (var c in Items(spec[list]))
            {
                Container(c, isPod && list != "ephemeralContainers");
            }
        }

        foreach (var v in Items(spec["volumes"]))
        {
            Volume(v);
        }

        if (isPod)
        {
            Def(spec, "enableServiceLinks", true);
            if (spec["hostNetwork"]?.GetValue<bool>() == true)
            {
                foreach (var c in Items(spec["containers"]).Concat(Items(spec["initContainers"])))
                {
                    foreach (var p in Items(c["ports"]))
                    {
                        if (p["hostPort"] is null)
                        {
                            Def(p, "hostPort", p["containerPort"]?.DeepClone());
                        }
                    }
                }
            }
        }
    }

    private static void Container(JsonObject c, bool requestsFromLimits)
    {
        if (c["imagePullPolicy"] is null)
        {
            Def(c, "imagePullPolicy", PullPolicy((string?)c["image"] ?? ""));
        }
        Def(c, "terminationMessagePath", "/dev/termination-log");
        Def(c, "terminationMessagePolicy", "File");
        foreach (var p in Items(c["ports"]))
        {
            Def(p, "protocol", "TCP");
        }

        foreach (var e in Items(c["env"]))
        {
            if (e["valueFrom"]?["fieldRef"] is JsonObject fieldRef)
            {
                Def(fieldRef, "apiVersion", "v1");
            }
        }

        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (c[probe] is JsonObject p)
            {
                Def(p, "timeoutSeconds", 1);
                Def(p, "periodSeconds", 10);
                Def(p, "successThreshold", 1);
                Def(p, "failureThreshold", 3);
                HttpGet(p);
            }
        }

        if (c["lifecycle"] is JsonObject lifecycle)
        {
            foreach (var hook in new[] { "postStart", "preStop" })
            {
                if (lifecycle[hook] is JsonObject h)
                {
                    HttpGet(h);
                }
            }
        }

        if (requestsFromLimits && c["resources"]?["limits"] is JsonObject limits)
        {
            var resources = (JsonObject)c["resources"]!;
            var requests = Obj(resources, "requests");
            foreach (var (key, value) in limits)
            {
                if (requests[key] is null)
                {
                    Def(requests, key, value?.DeepClone());
                }
            }
        }
    }

    private static void HttpGet(JsonObject handler)
    {
        if (handler["httpGet"] is JsonObject get)
        {
            Def(get, "path", "/");
            Def(get, "scheme", "HTTP");
        }
    }

    private static void Volume(JsonObject v)
    {
        if (v.Count == 1 && v.ContainsKey("name"))
        {
            v["emptyDir"] = new JsonObject();
            changed = true;
        }

        // SetDefaults_ObjectFieldSelector: a downwardAPI item's fieldRef names apiVersion v1 unless it says otherwise.
        foreach (var item in Items(v["downwardAPI"]?["items"]).Concat(Items(v["projected"]?["sources"]).SelectMany(s => Items(s["downwardAPI"]?["items"]))))
        {
            if (item["fieldRef"] is JsonObject fieldRef)
            {
                Def(fieldRef, "apiVersion", "v1");
            }
        }

        foreach (var source in new[] { "secret", "configMap", "downwardAPI", "projected" })
        {
            if (v[source] is JsonObject s)
            {
                Def(s, "defaultMode", 420);
            }
        }

        foreach (var projection in Items(v["projected"]?["sources"]))
        {
            if (projection["serviceAccountToken"] is JsonObject token)
            {
                Def(token, "expirationSeconds", 3600);
            }
        }

        if (v["hostPath"] is JsonObject hostPath)
        {
            Def(hostPath, "type", "");
        }

        if (v["image"] is JsonObject image)
        {
            if (image["pullPolicy"] is null)
            {
                Def(image, "pullPolicy", PullPolicy((string?)image["reference"] ?? ""));
            }
        }
    }

    private static void Service(JsonObject svc)
    {
        var spec = Obj(svc, "spec");
        Def(spec, "sessionAffinity", "None");
        if ((string?)spec["sessionAffinity"] == "None")
        {
            changed |= spec.Remove("sessionAffinityConfig");
        }
        else if ((string?)spec["sessionAffinity"] == "ClientIP" && spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"] is null)
        {
            spec["sessionAffinityConfig"] = new JsonObject { ["clientIP"] = new JsonObject { ["timeoutSeconds"] = 10800 } };
            changed = true;
        }

        Def(spec, "type", "ClusterIP");
        var type = (string?)spec["type"];
        foreach (var p in Items(spec["ports"]))
        {
            Def(p, "protocol", "TCP");
            if (p["targetPort"] is null || JsonNumbers.Long(p["targetPort"]) == 0 || (p["targetPort"] is JsonValue t && t.TryGetValue<string>(out var s) && s.Length == 0))
            {
                p["targetPort"] = p["port"]?.DeepClone() ?? 0;
                changed = true;
            }
        }

        var externallyAccessible = type is "LoadBalancer" or "NodePort" || (type == "ClusterIP" && spec["externalIPs"] is JsonArray { Count: > 0 });
        if (externallyAccessible)
        {
            Def(spec, "externalTrafficPolicy", "Cluster");
        }

        if (type is "NodePort" or "LoadBalancer" or "ClusterIP")
        {
            Def(spec, "internalTrafficPolicy", "Cluster");
        }

        if (type == "LoadBalancer")
        {
            Def(spec, "allocateLoadBalancerNodePorts", true);
        }
    }

    private static void Secret(JsonObject secret)
    {
        Def(secret, "type", "Opaque");
    }

    /// <summary>
    /// Always for <c>:latest</c> or no tag and no digest, IfNotPresent otherwise, and IfNotPresent when the reference
    /// does not parse (pkg/util/parsers.ParseImageName as SetDefaults_Container uses it).
    /// </summary>
    public static string PullPolicy(string image)
    {
        var m = ImageReference().Match(image);
        if (!m.Success)
        {
            return "IfNotPresent";
        }

        var tag = m.Groups["tag"].Success ? m.Groups["tag"].Value : m.Groups["digest"].Success ? "" : "latest";
        return tag == "latest" ? "Always" : "IfNotPresent";
    }

    private static JsonObject Labels(JsonObject obj)
    {
        var meta = Obj(obj, "metadata");
        return Obj(meta, "labels");
    }

    private static void Def(JsonObject o, string key, JsonNode? value)
    {
        if (o[key] is null)
        {
            o[key] = value;
            changed = true;
        }
    }

    internal static JsonObject Obj(JsonObject parent, string field)
    {
        if (parent[field] is JsonObject o)
        {
            return o;
        }

        var created = new JsonObject();
        parent[field] = created;
        changed = true;
        return created;
    }

    internal static IEnumerable<JsonObject> Items(JsonNode? list) => list is JsonArray a ? a.OfType<JsonObject>() : [];

    [GeneratedRegex(@"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?\z")]
    private static partial Regex ImageReference();
}
