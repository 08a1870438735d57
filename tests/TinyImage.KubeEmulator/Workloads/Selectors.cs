using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Workloads;

/// <summary><c>metav1.LabelSelectorAsSelector</c>: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist); null selects nothing.</summary>
internal static class Selectors
{
    public static Dictionary<string, string> Labels(JsonObject obj) =>
        (obj["metadata"]?["labels"] as JsonObject ?? []).Where(kv => kv.Value is JsonValue).ToDictionary(kv => kv.Key, kv => kv.Value!.ToString(), StringComparer.Ordinal);

    /// <summary>Whether <paramref name="obj"/>'s <see cref="Labels"/> hold every one of <paramref name="labels"/>, read in place (no map built).</summary>
    public static bool HasLabels(JsonObject obj, Dictionary<string, string> labels)
    {
        if (labels.Count == 0)
        {
            return true;
        }

        if (obj["metadata"]?["labels"] is not JsonObject own)
        {
            return false;
        }

        foreach (var (key, value) in labels)
        {
            if (!own.TryGetPropertyValue(key, out var node) || node is not JsonValue v || v.ToString() != value)
            {
                return false;
            }
        }

        return true;
    }

    public static Func<JsonObject, bool> FromLabelSelector(JsonObject? selector)
    {
        if (selector is null)
        {
            return static _ => false;
        }

        var matchLabels = (selector["matchLabels"] as JsonObject ?? []).Select(kv => (kv.Key, Value: kv.Value?.ToString() ?? "")).ToList();
        var expressions = (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(e => ((string?)e["key"] ?? "", (string?)e["operator"] ?? "", (e["values"] as JsonArray ?? []).Select(v => (string?)v ?? "").ToHashSet(StringComparer.Ordinal)))
            .ToList();
        return obj =>
        {
            var labels = obj["metadata"]?["labels"] as JsonObject;
            foreach (var (key, value) in matchLabels)
            {
                if ((string?)labels?[key] != value)
                {
                    return false;
                }
            }

            foreach (var (key, op, values) in expressions)
            {
                var has = labels?.ContainsKey(key) == true;
                var v = (string?)labels?[key];
                var ok = op switch
                {
                    "In" => has && values.Contains(v ?? ""),
                    "NotIn" => !has || !values.Contains(v ?? ""),
                    "Exists" => has,
                    "DoesNotExist" => !has,
                    _ => false,
                };
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        };
    }

    /// <summary>An empty selector (<c>{}</c>) selects everything, which the deployment controller refuses to act on.</summary>
    public static bool SelectsAll(JsonObject? selector) =>
        selector is not null && (selector["matchLabels"] as JsonObject ?? []).Count == 0 && (selector["matchExpressions"] as JsonArray ?? []).Count == 0;
}
