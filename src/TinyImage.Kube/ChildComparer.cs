using System.Text.Json.Nodes;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>
/// Whether a child as the API server stores it already is what the operator wants, compared the way the server
/// normalizes: both sides lose empty values (an env var's <c>value: ""</c>, an empty <c>limits</c> map, empty lists,
/// which the server omits), quantities are compared in canonical form (<c>1000m</c> is <c>1</c>), and fields the
/// server or another controller defaults (imagePullPolicy, protocol, clusterIP, sessionAffinity, ...) count only when
/// the operator sets them. Fields the operator owns outright (a container's command, args, env and resources, the
/// pod's imagePullSecrets, the quantities of limits and requests) must match exactly: one the spec dropped is a
/// difference, so removing args from the spec removes them from the Deployment.
/// </summary>
public static class ChildComparer
{
    /// <summary>Absent in the desired object means absent in the actual one too.</summary>
    private static readonly HashSet<string> Owned = new(StringComparer.Ordinal)
    {
        "command", "args", "env", "resources", "imagePullSecrets", "limits", "requests",
    };

    /// <summary>Maps of quantities: canonical form, and no extra keys.</summary>
    private static readonly HashSet<string> QuantityMaps = new(StringComparer.Ordinal) { "limits", "requests" };

    public static bool Matches(JsonNode? desired, JsonNode? actual) =>
        Contains(Normalize(desired, null), Normalize(actual, null));

    /// <summary>A copy without empty values, with canonical quantities under limits and requests.</summary>
    public static JsonNode? Normalize(JsonNode? node, string? property)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    var normalized = QuantityMaps.Contains(property ?? "") ? Quantity(value) : Normalize(value, name);
                    if (!IsEmpty(normalized))
                    {
                        copy[name] = normalized;
                    }
                }

                return copy.Count == 0 ? null : copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    items.Add(Normalize(item, null));
                }

                return items.Count == 0 ? null : items;
            default:
                return IsEmpty(node) ? null : node?.DeepClone();
        }
    }

    private static JsonNode? Quantity(JsonNode? value)
    {
        if (value is not JsonValue scalar)
        {
            return value?.DeepClone();
        }

        var text = scalar.ToString();
        try
        {
            return JsonValue.Create(new ResourceQuantity(text).CanonicalizeString());
        }
        catch (FormatException)
        {
            return JsonValue.Create(text); // not a quantity the client parses: compared as written
        }
    }

    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        JsonValue v => v.TryGetValue<string>(out var s) && s.Length == 0,
        _ => false,
    };

    private static bool Contains(JsonNode? desired, JsonNode? actual)
    {
        switch (desired)
        {
            case null:
                return true;
            case JsonObject desiredObject:
                if (actual is not JsonObject actualObject)
                {
                    return false;
                }

                foreach (var (name, value) in desiredObject)
                {
                    var isQuantityMap = QuantityMaps.Contains(name);
                    if (!actualObject.TryGetPropertyValue(name, out var actualValue)
                        || (isQuantityMap ? !JsonNode.DeepEquals(value, actualValue) : !Contains(value, actualValue)))
                    {
                        return false;
                    }
                }

                foreach (var (name, _) in actualObject)
                {
                    if (Owned.Contains(name) && !desiredObject.ContainsKey(name))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray desiredArray:
                if (actual is not JsonArray actualArray || actualArray.Count != desiredArray.Count)
                {
                    return false;
                }

                for (var i = 0; i < desiredArray.Count; i++)
                {
                    if (!Contains(desiredArray[i], actualArray[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return actual is not null && JsonNode.DeepEquals(desired, actual);
        }
    }
}
