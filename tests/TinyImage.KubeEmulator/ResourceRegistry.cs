namespace TinyImage.KubeEmulator;

/// <summary>The resources the emulator serves. Built-ins are registered at start; tests and CRDs add more.</summary>
public sealed class ResourceRegistry
{
    private readonly Lock _gate = new();
    private readonly List<ResourceType> _types = [];

    internal ResourceRegistry()
    {
        foreach (var t in BuiltIns())
        {
            Register(t);
        }
    }

    /// <summary>Registers (or replaces) a resource type for its group/version/plural.</summary>
    public void Register(ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            _types.RemoveAll(t => t.Group == type.Group && t.Version == type.Version && t.Plural == type.Plural);
            _types.Add(type);
        }
    }

    /// <summary>Removes every version of a group/resource (a deleted CRD).</summary>
    public void Unregister(string group, string plural)
    {
        lock (_gate)
        {
            _types.RemoveAll(t => t.Group == group && t.Plural == plural);
        }
    }

    /// <summary>Finds a resource by group, version and plural name.</summary>
    public ResourceType? Find(string group, string version, string plural)
    {
        lock (_gate)
        {
            // A loop, not List.Find: a lambda capturing the arguments is an allocation per call, and routing calls this per request.
            foreach (var t in _types)
            {
                if (t.Group == group && t.Version == version && t.Plural == plural)
                {
                    return t;
                }
            }

            return null;
        }
    }

    /// <summary>Finds any served version of a group/resource.</summary>
    public ResourceType? FindAnyVersion(string group, string plural)
    {
        lock (_gate)
        {
            foreach (var t in _types)
            {
                if (t.Group == group && t.Plural == plural)
                {
                    return t;
                }
            }

            return null;
        }
    }

    /// <summary>Finds a resource by apiVersion and kind.</summary>
    public ResourceType? FindByKind(string apiVersion, string kind)
    {
        lock (_gate)
        {
            foreach (var t in _types)
            {
                if (t.ApiVersion == apiVersion && t.Kind == kind)
                {
                    return t;
                }
            }

            return null;
        }
    }

    /// <summary>A snapshot of every registered type.</summary>
    public IReadOnlyList<ResourceType> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _types];
            }
        }
    }

    /// <summary>The resources the emulator serves before any CRD is created.</summary>
    public static IReadOnlyList<ResourceType> BuiltIns() =>
    [
        new("", "v1", "Namespace", "namespaces", false) { ShortNames = ["ns"], HasStatus = true, HasGeneration = false, SelectableFields = ["status.phase"] },
        new("", "v1", "ConfigMap", "configmaps", true) { ShortNames = ["cm"], HasGeneration = false },
        new("", "v1", "Secret", "secrets", true) { HasGeneration = false, SelectableFields = ["type"] },
        new("", "v1", "Service", "services", true) { ShortNames = ["svc"], Categories = ["all"], HasStatus = true, HasGeneration = false },
        new("", "v1", "Pod", "pods", true)
        {
            ShortNames = ["po"], Categories = ["all"], HasStatus = true, ExtraSubresources = ["log"],
            SelectableFields = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP", "status.nominatedNodeName"],
        },
        new("", "v1", "Event", "events", true)
        {
            ShortNames = ["ev"], HasGeneration = false,
            SelectableFields = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
        },
        new("", "v1", "ServiceAccount", "serviceaccounts", true) { ShortNames = ["sa"], HasGeneration = false },
        new("apps", "v1", "Deployment", "deployments", true) { ShortNames = ["deploy"], Categories = ["all"], HasStatus = true },
        new("apps", "v1", "ReplicaSet", "replicasets", true) { ShortNames = ["rs"], Categories = ["all"], HasStatus = true },
        new("batch", "v1", "Job", "jobs", true) { Categories = ["all"], HasStatus = true, SelectableFields = ["status.successful"] },
        new("coordination.k8s.io", "v1", "Lease", "leases", true) { HasGeneration = false },
        new("networking.k8s.io", "v1", "Ingress", "ingresses", true) { ShortNames = ["ing"], HasStatus = true },
        new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true) { ShortNames = ["netpol"] },
        new("events.k8s.io", "v1", "Event", "events", true)
        {
            ShortNames = ["ev"], HasGeneration = false,
            SelectableFields = ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath", "reason", "reportingController", "source", "type"],
            StorageKey = ("", "events"),
        },
        new("rbac.authorization.k8s.io", "v1", "Role", "roles", true) { HasGeneration = false },
        new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false) { HasGeneration = false },
        new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true) { HasGeneration = false },
        new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false) { HasGeneration = false },
        new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false)
        {
            ShortNames = ["crd", "crds"], Categories = ["api-extensions"], HasStatus = true,
        },
    ];
}
