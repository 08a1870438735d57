using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>JSON merge patch (RFC 7386), a strategic-merge approximation, and JSON patch (RFC 6902).</summary>
internal static class Patching
{
    /// <summary>List fields that strategic merge patch merges element-wise, and the key it merges them by.</summary>
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["env"] = "name",
        ["imagePullSecrets"] = "name",
        ["conditions"] = "type",
        ["ownerReferences"] = "uid",
        ["tolerations"] = "key",
        ["hostAliases"] = "ip",
        ["containerStatuses"] = "name",
        ["initContainerStatuses"] = "name",
    };

    /// <summary>RFC 7386: objects merge recursively, null deletes, anything else replaces.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = MergePatch(result[key], value);
            }
        }

        return result;
    }

    /// <summary>
    /// Strategic merge patch, approximated: a merge patch that also merges known lists by key
    /// (containers by name, conditions by type, ...), honours <c>$patch: delete|replace</c> and
    /// <c>$deleteFromPrimitiveList</c>, and drops the other <c>$</c> directives.
    /// </summary>
    public static JsonNode? StrategicMergePatch(JsonNode? target, JsonNode? patch, string? fieldName = null)
    {
        if (patch is JsonObject patchObject)
        {
            if ((string?)patchObject["$patch"] == "replace")
            {
                var replaced = (JsonObject)patchObject.DeepClone();
                replaced.Remove("$patch");
                return replaced;
            }

            if ((string?)patchObject["$patch"] == "delete")
            {
                return null;
            }

            var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
            foreach (var (key, value) in patchObject)
            {
                if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
                {
                    var listName = key["$deleteFromPrimitiveList/".Length..];
                    if (result[listName] is JsonArray existing && value is JsonArray remove)
                    {
                        var drop = remove.Select(r => r?.ToJsonString()).ToHashSet();
                        result[listName] = new JsonArray([.. existing.Where(e => !drop.Contains(e?.ToJsonString())).Select(e => e?.DeepClone())]);
                    }

                    continue;
                }

                if (key.StartsWith('$'))
                {
                    continue;
                }

                if (value is null)
                {
                    result.Remove(key);
                    continue;
                }

                var merged = StrategicMergePatch(result[key], value, key);
                if (merged is null)
                {
                    result.Remove(key);
                }
                else
                {
                    result[key] = merged;
                }
            }

            return result;
        }

        if (patch is JsonArray patchArray && target is JsonArray targetArray && fieldName is not null
            && MergeKeys.TryGetValue(fieldName, out var mergeKey)
            && patchArray.All(e => e is JsonObject o && o[mergeKey] is not null))
        {
            var result = new JsonArray([.. targetArray.Select(e => e?.DeepClone())]);
            foreach (var element in patchArray.Cast<JsonObject>())
            {
                var keyValue = element[mergeKey]!.ToJsonString();
                var index = result.ToList().FindIndex(e => e is JsonObject o && o[mergeKey]?.ToJsonString() == keyValue);
                var directive = (string?)element["$patch"];
                if (directive == "delete")
                {
                    if (index >= 0)
                    {
                        result.RemoveAt(index);
                    }

                    continue;
                }

                if (index >= 0)
                {
                    result[index] = StrategicMergePatch(result[index], element);
                }
                else
                {
                    result.Add(StrategicMergePatch(null, element));
                }
            }

            return result;
        }

        return patch is JsonArray array ? StripDirectives(array) : patch?.DeepClone();
    }

    private static JsonArray StripDirectives(JsonArray array) =>
        new([.. array.Select(e => e is JsonObject o ? StrategicMergePatch(null, o) : e?.DeepClone())]);

    /// <summary>RFC 6902 JSON patch; returns null and an error when an operation fails.</summary>
    public static JsonNode? JsonPatch(JsonNode target, JsonArray operations, out string? error)
    {
        error = null;
        var doc = target.DeepClone();
        foreach (var op in operations.OfType<JsonObject>())
        {
            var kind = (string?)op["op"];
            var path = (string?)op["path"] ?? "";
            try
            {
                switch (kind)
                {
                    case "add":
                        doc = Add(doc, path, op["value"]?.DeepClone());
                        break;
                    case "remove":
                        doc = Remove(doc, path, out _);
                        break;
                    case "replace":
                        doc = Remove(doc, path, out _);
                        doc = Add(doc, path, op["value"]?.DeepClone());
                        break;
                    case "move":
                        doc = Remove(doc, (string?)op["from"] ?? "", out var moved);
                        doc = Add(doc, path, moved);
                        break;
                    case "copy":
                        doc = Add(doc, path, Get(doc, (string?)op["from"] ?? "")?.DeepClone());
                        break;
                    case "test":
                        if (!JsonNode.DeepEquals(Get(doc, path), op["value"]))
                        {
                            error = $"testing value {path} failed";
                            return null;
                        }

                        break;
                    default:
                        error = $"Unexpected kind: {kind}";
                        return null;
                }
            }
            catch (PatchPathException e)
            {
                error = e.Message;
                return null;
            }
        }

        return doc;
    }

    private static string[] Segments(string pointer) =>
        pointer.Length == 0 ? [] : [.. pointer.TrimStart('/').Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    private static JsonNode? Get(JsonNode? doc, string pointer)
    {
        var node = doc;
        foreach (var s in Segments(pointer))
        {
            node = node switch
            {
                JsonObject o when o.ContainsKey(s) => o[s],
                JsonArray a when int.TryParse(s, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new PatchPathException($"doc is missing path: \"{pointer}\""),
            };
        }

        return node;
    }

    private static JsonNode? Add(JsonNode? doc, string pointer, JsonNode? value)
    {
        var segments = Segments(pointer);
        if (segments.Length == 0)
        {
            return value;
        }

        if (doc is null)
        {
            throw new PatchPathException($"doc is missing path: \"{pointer}\"");
        }

        var parent = Get(doc, ParentPointer(segments));
        var last = segments[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new PatchPathException($"doc is missing path: \"{pointer}\"");
        }

        return doc;
    }

    private static JsonNode Remove(JsonNode? doc, string pointer, out JsonNode? removed)
    {
        var segments = Segments(pointer);
        if (doc is null || segments.Length == 0)
        {
            throw new PatchPathException($"Unable to remove: invalid path \"{pointer}\"");
        }

        var parent = Get(doc, ParentPointer(segments));
        var last = segments[^1];
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                removed = o[last];
                o.Remove(last);
                removed = removed?.DeepClone();
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                removed = a[i]?.DeepClone();
                a.RemoveAt(i);
                break;
            default:
                throw new PatchPathException($"Unable to remove nonexistent key: {last}: missing value");
        }

        return doc;
    }

    private static string ParentPointer(string[] segments) =>
        segments.Length <= 1 ? "" : "/" + string.Join('/', segments[..^1].Select(Escape));

    private static string Escape(string s) => s.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private sealed class PatchPathException(string message) : Exception(message);
}
