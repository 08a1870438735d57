using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// What the real API server does to a built-in object between the request body and etcd: the Go JSON round trip
/// (<see cref="GoJson"/>), v1 conversion quirks (Secret stringData), defaulting (<see cref="Defaults"/>), the
/// strategies' PrepareForCreate/Update (Job selector generation, Service IP allocation) and validation
/// (<see cref="Validation"/>). Custom resources and kinds without a table entry pass through untouched.
/// </summary>
internal static class BuiltinRules
{
    /// <summary>
    /// Rewrites <paramref name="obj"/> into what the server stores, or returns the refusal (400 for a body the decoder
    /// refuses, 422 for a rule). <paramref name="old"/> is the stored object on update; <paramref name="services"/>
    /// lists the stored Services (for node port allocation); <paramref name="clusterIps"/> records which Service holds which
    /// clusterIP (for IP allocation).
    /// </summary>
    public static ApiResult? Admit(ResourceType type, ref JsonObject obj, JsonObject? old, bool statusOnly, Func<IEnumerable<JsonObject>> services, ClusterIpRecord clusterIps)
    {
        if (type.IsCustomResource || RootType(type) is not { } root)
        {
            return null;
        }

        JsonObject next;
        try
        {
            if (statusOnly && old is not null)
            {
                // Everything but status is the stored (already round-tripped) object: decode just the new status.
                if (type.Group.Length == 0 && type.Plural == "pods")
                {
                    PodStatusStrategy.PrepareForUpdate(obj, old);
                }

                if (GoJson.RoundTripField(obj, GoType.Struct(root), "status") is { } status)
                {
                    if (!ReferenceEquals(status, obj["status"]))
                    {
                        obj["status"] = status;
                    }
                }
                else
                {
                    obj.Remove("status");
                }

                return null;
            }

            next = GoJson.RoundTrip(obj, GoType.Struct(root));
        }
        catch (GoDecodeException ex)
        {
            return ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {ex.Message}");
        }

        if (type.Group.Length == 0 && type.Plural == "secrets")
        {
            MergeStringData(next);
        }

        var reencode = Defaults.Apply(type, next);
        var errors = new List<FieldError>();
        if (!statusOnly)
        {
            if (old is null && type.Group == "batch" && type.Plural == "jobs")
            {
                Validation.GenerateJobSelector(next);
                reencode = true;
            }

            if (old is null && type.Group.Length == 0 && type.Plural == "pods")
            {
                Defaults.Obj(next, "status")["qosClass"] = PodQos.Of(next);
            }

            if (type.Group.Length == 0 && type.Plural == "services")
            {
                reencode = true;
                var name = (string?)next["metadata"]?["name"];
                var key = (string?)next["metadata"]?["namespace"] + "/" + name;
                errors.AddRange(ServiceNetwork.Allocate(
                    next,
                    old,
                    services().Where(s => (string?)s["metadata"]?["name"] != name || (string?)s["metadata"]?["namespace"] != (string?)next["metadata"]?["namespace"]),
                    clusterIps,
                    key));
                if (old is not null)
                {
                    errors.AddRange(ServiceNetwork.ValidateUpdate(next, old));
                }
            }

            errors.AddRange(Validation.Validate(type, next, old));
        }

        if (errors.Count > 0)
        {
            return Invalid.Result(type, (string?)next["metadata"]?["name"] ?? "", errors);
        }

        // Defaults were added at the end of their objects: encode once more for Go's field order and sorted map keys.
        obj = reencode ? GoJson.RoundTrip(next, GoType.Struct(root)) : next;
        return null;
    }

    /// <summary>
    /// Whether the server stores an object of <paramref name="type"/> as written (no Go round trip, no defaulting or
    /// validation here, no custom-resource schema): then a status write equal to the stored status changes nothing.
    /// </summary>
    public static bool StoresAsWritten(ResourceType type) => !type.IsCustomResource && RootType(type) is null;

    private static string? RootType(ResourceType type) => (type.Group, type.Version, type.Plural) switch
    {
        ("", "v1", "namespaces") => "core.Namespace",
        ("", "v1", "configmaps") => "core.ConfigMap",
        ("", "v1", "secrets") => "core.Secret",
        ("", "v1", "services") => "core.Service",
        ("", "v1", "pods") => "core.Pod",
        ("", "v1", "events") => "core.Event",
        ("", "v1", "serviceaccounts") => "core.ServiceAccount",
        ("apps", "v1", "deployments") => "apps.Deployment",
        ("batch", "v1", "jobs") => "batch.Job",
        ("coordination.k8s.io", "v1", "leases") => "coordination.Lease",
        ("networking.k8s.io", "v1", "ingresses") => "networking.Ingress",
        ("networking.k8s.io", "v1", "networkpolicies") => "networking.NetworkPolicy",
        ("events.k8s.io", "v1", "events") => "events.Event",
        _ => null,
    };

    /// <summary>v1 -> internal conversion: stringData overwrites data, base64-encoded, and is not stored.</summary>
    private static void MergeStringData(JsonObject secret)
    {
        if (secret["stringData"] is not JsonObject stringData)
        {
            return;
        }

        var data = Defaults.Obj(secret, "data");
        foreach (var (k, v) in stringData)
        {
            data[k] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes((string?)v ?? ""));
        }

        secret.Remove("stringData");
    }
}
