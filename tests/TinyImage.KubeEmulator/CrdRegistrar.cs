using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>Turns CustomResourceDefinition objects into served resources, as the apiextensions server does.</summary>
internal static class CrdRegistrar
{
    /// <summary>Reads the served versions of a CRD as resource types.</summary>
    public static IReadOnlyList<ResourceType> TypesOf(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject;
        var names = spec?["names"] as JsonObject;
        var group = (string?)spec?["group"];
        var kind = (string?)names?["kind"];
        var plural = (string?)names?["plural"];
        if (group is null || kind is null || plural is null || spec?["versions"] is not JsonArray versions)
        {
            return [];
        }

        var namespaced = (string?)spec["scope"] != "Cluster";
        var result = new List<ResourceType>();
        foreach (var v in versions.OfType<JsonObject>())
        {
            if (v["served"] is JsonValue served && !served.GetValue<bool>())
            {
                continue;
            }

            var columns = (v["additionalPrinterColumns"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(c => new PrinterColumn(
                    (string?)c["name"] ?? "",
                    (string?)c["type"] ?? "string",
                    (string?)c["jsonPath"] ?? "",
                    (string?)c["description"] ?? "",
                    (int)(JsonNumbers.Long(c["priority"]) ?? 0)))
                .ToList();
            var selectable = (v["selectableFields"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(f => ((string?)f["jsonPath"] ?? "").TrimStart('.'))
                .Where(f => f.Length > 0)
                .ToList();
            result.Add(new ResourceType(group, (string?)v["name"] ?? "v1", kind, plural, namespaced)
            {
                Singular = (string?)names!["singular"] ?? kind.ToLowerInvariant(),
                ShortNames = StringList(names["shortNames"]),
                Categories = StringList(names["categories"]),
                HasStatus = v["subresources"]?["status"] is not null,
                IsCustomResource = true,
                PrinterColumns = columns,
                SelectableFields = selectable,
                Schema = v["schema"]?["openAPIV3Schema"] is JsonObject schema ? new CustomResources.CustomResourceSchema(schema) : null,
            });
        }

        return result;
    }

    public static void Register(ResourceRegistry registry, JsonObject crd)
    {
        var types = TypesOf(crd);
        if (types.Count == 0)
        {
            return;
        }

        registry.Unregister(types[0].Group, types[0].Plural);
        foreach (var t in types)
        {
            registry.Register(t);
        }
    }

    /// <summary>Registers a new CRD's resources and reports it Established (a second write, as the real controller does).</summary>
    public static JsonObject Established(ObjectStore store, ResourceType crdType, JsonObject created)
    {
        Register(store.Registry, created);
        var next = (JsonObject)created.DeepClone();
        var names = next["spec"]?["names"]?.DeepClone() ?? new JsonObject();
        var storageVersion = (next["spec"]?["versions"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .FirstOrDefault(v => v["storage"] is JsonValue s && s.GetValue<bool>())?["name"]?.GetValue<string>();
        var now = store.Timestamp();
        next["status"] = new JsonObject
        {
            ["acceptedNames"] = names,
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "NoConflicts", ["message"] = "no conflicts found" },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted" }),
            ["storedVersions"] = storageVersion is null ? new JsonArray() : new JsonArray(storageVersion),
        };
        store.CommitLocked(crdType.StorageKey, ObjectStore.KeyOf(created), next, created, StoredEvent.Modified);
        return created;
    }

    /// <summary>A deleted CRD takes its resources and all their objects with it.</summary>
    public static void Unregister(ObjectStore store, ResourceRegistry registry, JsonObject crd)
    {
        var group = (string?)crd["spec"]?["group"];
        var plural = (string?)crd["spec"]?["names"]?["plural"];
        if (group is null || plural is null)
        {
            return;
        }

        registry.Unregister(group, plural);
        store.DropAll(group, plural);
    }

    private static List<string> StringList(JsonNode? node) =>
        node is JsonArray a ? [.. a.Select(x => (string?)x).OfType<string>()] : [];
}
