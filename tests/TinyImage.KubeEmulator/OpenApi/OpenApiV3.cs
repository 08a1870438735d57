using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.OpenApi;

/// <summary>
/// Serves <c>/openapi/v3</c> as kube-apiserver does (staging/src/k8s.io/kube-openapi/pkg/handler3/handler.go): the root
/// lists one document per group-version with a <c>serverRelativeURL</c> that carries the document's hash, and each
/// document holds the paths of that group-version's resources. What kubectl reads from it is served faithfully:
/// <list type="bullet">
/// <item>every PATCH operation carries <c>x-kubernetes-group-version-kind</c> and the <c>fieldValidation</c> query
/// parameter, so kubectl's query-param verifier (cli-runtime <c>query_param_verifier_v3.go</c>) chooses server-side
/// field validation and sends <c>fieldValidation=Strict</c>;</item>
/// <item>custom resources publish their CRD's structural schema as a component with <c>x-kubernetes-group-version-kind</c>
/// (apiextensions-apiserver <c>pkg/controller/openapi/builder/builder.go</c>), so <c>kubectl explain</c> works, and their
/// PATCH accepts no strategic merge patch (kubectl then sends a JSON merge patch);</item>
/// <item>built-in kinds publish their paths but no component schemas: kubectl's apply then computes its strategic merge
/// patch from its compiled-in types, as it does against any server whose document lacks the schema.</item>
/// </list>
/// </summary>
internal static class OpenApiV3
{
    private const string ObjectMetaRef = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    /// <summary>The root document: one entry per served group-version.</summary>
    public static JsonObject Root(ResourceRegistry registry, IReadOnlyList<JsonObject> crds)
    {
        var paths = new JsonObject();
        foreach (var (group, version) in GroupVersions(registry))
        {
            var key = Key(group, version);
            var hash = Hash(Document(registry, crds, group, version)!);
            paths[key] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/" + key + "?hash=" + hash };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document of one group-version, or null when it is not served.</summary>
    public static JsonObject? Document(ResourceRegistry registry, IReadOnlyList<JsonObject> crds, string group, string version)
    {
        var types = registry.All.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var type in types)
        {
            var prefix = "/" + Key(group, version) + (type.Namespaced ? "/namespaces/{namespace}/" : "/") + type.Plural;
            var gvk = Gvk(type);
            paths[prefix] = new JsonObject
            {
                ["get"] = Operation("list", type, gvk),
                ["post"] = Operation("post", type, gvk),
            };
            paths[prefix + "/{name}"] = new JsonObject
            {
                ["get"] = Operation("get", type, gvk),
                ["put"] = Operation("put", type, gvk),
                ["patch"] = Operation("patch", type, gvk),
                ["delete"] = Operation("delete", type, gvk),
            };
            if (type.HasStatus)
            {
                paths[prefix + "/{name}/status"] = new JsonObject
                {
                    ["get"] = Operation("get", type, gvk),
                    ["put"] = Operation("put", type, gvk),
                    ["patch"] = Operation("patch", type, gvk),
                };
            }

            if (type.IsCustomResource && SchemaOf(crds, type) is { } schema)
            {
                schemas[ComponentName(type)] = schema;
            }
        }

        if (schemas.Count > 0)
        {
            schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"] = ObjectMeta();
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "unversioned" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    /// <summary>The document's hash as the real handler derives it: SHA-512 of the document, upper-case hex.</summary>
    public static string Hash(JsonObject document) =>
        Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(document.ToJsonString())));

    private static IEnumerable<(string Group, string Version)> GroupVersions(ResourceRegistry registry) =>
        registry.All.Select(t => (t.Group, t.Version)).Distinct().OrderBy(gv => Key(gv.Group, gv.Version), StringComparer.Ordinal);

    private static string Key(string group, string version) => group.Length == 0 ? "api/" + version : "apis/" + group + "/" + version;

    private static JsonObject Gvk(ResourceType type) =>
        new() { ["group"] = type.Group, ["version"] = type.Version, ["kind"] = type.Kind };

    private static JsonObject Operation(string action, ResourceType type, JsonObject gvk)
    {
        var op = new JsonObject
        {
            ["operationId"] = action + type.Kind,
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
            ["parameters"] = Parameters(action),
            ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
        };
        if (action is "patch")
        {
            var content = new JsonObject
            {
                ["application/apply-patch+yaml"] = PatchSchema(),
                ["application/json-patch+json"] = PatchSchema(),
                ["application/merge-patch+json"] = PatchSchema(),
            };
            if (!type.IsCustomResource)
            {
                content["application/strategic-merge-patch+json"] = PatchSchema();
            }

            op["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true };
        }
        else if (action is "post" or "put")
        {
            op["requestBody"] = new JsonObject
            {
                ["content"] = new JsonObject { ["*/*"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } } },
                ["required"] = true,
            };
        }

        return op;
    }

    private static JsonObject PatchSchema() =>
        new() { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch" } };

    private static JsonArray Parameters(string action)
    {
        var names = action switch
        {
            "post" or "put" => new[] { "dryRun", "fieldManager", "fieldValidation" },
            "patch" => ["dryRun", "fieldManager", "fieldValidation", "force"],
            "list" => ["allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion", "timeoutSeconds", "watch"],
            "delete" => ["dryRun", "gracePeriodSeconds", "propagationPolicy"],
            _ => [],
        };
        return new JsonArray([.. names.Select(n => (JsonNode)new JsonObject
        {
            ["name"] = n,
            ["in"] = "query",
            ["schema"] = new JsonObject { ["type"] = n is "limit" or "timeoutSeconds" or "gracePeriodSeconds" ? "integer" : n is "watch" or "allowWatchBookmarks" or "force" ? "boolean" : "string" },
        })]);
    }

    /// <summary>The component name the real builder gives a custom resource: the reversed group, the version, the kind.</summary>
    private static string ComponentName(ResourceType type) =>
        string.Join('.', type.Group.Split('.').Reverse()) + "." + type.Version + "." + type.Kind;

    private static JsonObject? SchemaOf(IReadOnlyList<JsonObject> crds, ResourceType type)
    {
        foreach (var crd in crds)
        {
            var spec = crd["spec"] as JsonObject;
            if ((string?)spec?["group"] != type.Group || (string?)spec?["names"]?["plural"] != type.Plural)
            {
                continue;
            }

            var version = (spec!["versions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(v => (string?)v["name"] == type.Version);
            var schema = version?["schema"]?["openAPIV3Schema"]?.DeepClone() as JsonObject ?? new JsonObject { ["type"] = "object" };
            var properties = schema["properties"] as JsonObject ?? [];
            schema["properties"] = properties;
            properties["apiVersion"] ??= new JsonObject
            {
                ["type"] = "string",
                ["description"] = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
            };
            properties["kind"] ??= new JsonObject
            {
                ["type"] = "string",
                ["description"] = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
            };
            properties["metadata"] = new JsonObject
            {
                ["description"] = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
                ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = ObjectMetaRef }),
            };
            schema["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(type));
            return schema;
        }

        return null;
    }

    private static JsonObject ObjectMeta()
    {
        var properties = new JsonObject();
        foreach (var (name, type, description) in new[]
        {
            ("name", "string", "Name must be unique within a namespace."),
            ("generateName", "string", "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."),
            ("namespace", "string", "Namespace defines the space within which each name must be unique."),
            ("uid", "string", "UID is the unique in time and space value for this object."),
            ("resourceVersion", "string", "An opaque value that represents the internal version of this object."),
            ("generation", "integer", "A sequence number representing a specific generation of the desired state."),
            ("creationTimestamp", "string", "CreationTimestamp is a timestamp representing the server time when this object was created."),
            ("deletionTimestamp", "string", "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted."),
            ("labels", "object", "Map of string keys and values that can be used to organize and categorize (scope and select) objects."),
            ("annotations", "object", "Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata."),
            ("ownerReferences", "array", "List of objects depended by this object."),
            ("finalizers", "array", "Must be empty before the object is deleted from the registry."),
            ("managedFields", "array", "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow."),
        })
        {
            var p = new JsonObject { ["type"] = type, ["description"] = description };
            if (type == "object")
            {
                p["additionalProperties"] = new JsonObject { ["type"] = "string" };
            }
            else if (type == "array")
            {
                p["items"] = new JsonObject { ["type"] = name == "finalizers" ? "string" : "object" };
            }

            properties[name] = p;
        }

        return new JsonObject
        {
            ["description"] = "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
            ["type"] = "object",
            ["properties"] = properties,
        };
    }
}
