using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>
/// A static cost estimate of an x-kubernetes-validations rule, in the spirit of cel-go's checker/cost.go as the
/// apiextensions server applies it (the Cel package has no estimator): every operation costs 1; a string function
/// (contains, startsWith, endsWith, ...) walks its string at 0.1 per character and per character of its argument
/// (plus one), split at 0.1 per character, matches at 0.1 per character times a quarter of the regex's length; a macro
/// (all, exists, exists_one, map, filter) pays its body plus 2 once per element. Calibrated on the real validator's
/// verdicts for <c>self.all(x, x.contains('gpu'))</c> (the largest accepted maxItems for each maxLength). Sizes come from the schema: maxLength, maxItems and maxProperties bound them; an unbounded string,
/// list or map is as large as the largest request (3 MiB) allows. The rule's cost is then multiplied by how many
/// times it can run (the sizes of the lists and maps above it).
/// </summary>
internal static class CelCostEstimator
{
    /// <summary>One rule's limit (apiextensions validation's StaticEstimatedCostLimit).</summary>
    public const ulong PerRuleLimit = 10_000_000;

    /// <summary>The whole schema's limit (StaticEstimatedCRDCostLimit).</summary>
    public const ulong PerCrdLimit = 100_000_000;

    // A comprehension's own work per element (step and loop condition), beside its body.
    private const ulong IterationCost = 2;

    private static readonly HashSet<string> Macros = new(StringComparer.Ordinal) { "all", "exists", "exists_one", "map", "filter" };

    private static readonly HashSet<string> StringWalks = new(StringComparer.Ordinal)
    {
        "contains", "startsWith", "endsWith", "indexOf", "lastIndexOf", "lowerAscii", "upperAscii", "trim", "replace", "substring", "charAt", "join",
    };

    /// <summary>The estimated cost of one evaluation of <paramref name="rule"/> with <c>self</c> of <paramref name="schema"/>.</summary>
    public static ulong Estimate(string rule, JsonObject schema, bool isRoot)
    {
        var tokens = CelTokens.Read(rule);
        var env = new Dictionary<string, CelSize>(StringComparer.Ordinal) { ["self"] = SelfSize(schema, isRoot), ["oldSelf"] = SelfSize(schema, isRoot) };
        return Cost(tokens, 0, tokens.Count, env, out _);
    }

    /// <summary>cost × cardinality, saturating.</summary>
    public static ulong Multiply(ulong a, ulong b) => a == 0 || b == 0 ? 0 : ulong.MaxValue / a < b ? ulong.MaxValue : a * b;

    /// <summary>The message of a cost over its limit, worded as upstream's getCostErrorMessage.</summary>
    public static string ExceedsMessage(string costName, ulong cost, ulong limit)
    {
        var factor = (double)cost / limit;
        var text = factor > 100.0 ? "more than 100x"
            : factor < 1.5 ? factor.ToString("F6", System.Globalization.CultureInfo.InvariantCulture) + "x"
            : factor.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "x";
        return $"{costName} exceeds budget by factor of {text} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)";
    }

    private static CelSize SelfSize(JsonObject schema, bool isRoot)
    {
        if (!isRoot)
        {
            return CelSize.Of(schema);
        }

        // At the root, metadata is visible to rules as name and generateName only.
        var root = (JsonObject)schema.DeepClone();
        if (root["properties"] is JsonObject props)
        {
            props["metadata"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["name"] = new JsonObject { ["type"] = "string" }, ["generateName"] = new JsonObject { ["type"] = "string" } },
            };
        }

        return CelSize.Of(root);
    }

    // Cost of the tokens [start, end); result is the size of the last value read (for a macro's target, a split's list).
    private static ulong Cost(IReadOnlyList<CelToken> t, int start, int end, Dictionary<string, CelSize> env, out CelSize result)
    {
        ulong cost = 0;
        result = CelSize.Scalar;
        var i = start;
        while (i < end)
        {
            var tok = t[i];
            if (tok.Kind == CelTokenKind.Ident && env.TryGetValue(tok.Text, out var bound))
            {
                cost += 1;
                i++;
                var current = bound;
                while (i < end && t[i].Text == ".")
                {
                    if (i + 1 >= end || t[i + 1].Kind != CelTokenKind.Ident)
                    {
                        break;
                    }

                    var name = t[i + 1].Text;
                    var isCall = i + 2 < end && t[i + 2].Text == "(";
                    if (!isCall)
                    {
                        current = Field(current, name);
                        cost += 1;
                        i += 2;
                        continue;
                    }

                    var close = Matching(t, i + 2);
                    if (Macros.Contains(name) && close - (i + 3) >= 3 && t[i + 3].Kind == CelTokenKind.Ident && t[i + 4].Text == ",")
                    {
                        var variable = t[i + 3].Text;
                        var inner = new Dictionary<string, CelSize>(env, StringComparer.Ordinal) { [variable] = current.Element ?? CelSize.Scalar };
                        var body = Cost(t, i + 5, close, inner, out _);
                        var n = current.Kind is CelSizeKind.List or CelSizeKind.Map ? current.Max : 1;
                        cost = Saturate(cost, Multiply(n, Saturate(body, IterationCost)));
                        current = name is "map" or "filter" ? new CelSize(CelSizeKind.List, n, current.Element) : CelSize.Scalar;
                    }
                    else
                    {
                        var args = Cost(t, i + 3, close, env, out var argSize);
                        cost = Saturate(cost, Saturate(args, 1));
                        var length = current.Kind == CelSizeKind.String ? current.Max : 0;
                        var walk = (ulong)Math.Ceiling(length * 0.1);
                        if (name == "matches")
                        {
                            var regex = LiteralLength(t, i + 3, close) ?? (argSize.Kind == CelSizeKind.String ? argSize.Max : 1);
                            cost = Saturate(cost, Multiply(walk, (ulong)Math.Ceiling(regex * 0.25)));
                            current = CelSize.Scalar;
                        }
                        else if (name == "split")
                        {
                            cost = Saturate(cost, walk);
                            current = new CelSize(CelSizeKind.List, Math.Max(length, 1), new CelSize(CelSizeKind.String, Math.Max(length, 1)));
                        }
                        else if (StringWalks.Contains(name))
                        {
                            var other = LiteralLength(t, i + 3, close) ?? (argSize.Kind == CelSizeKind.String ? argSize.Max : 1);
                            cost = Saturate(cost, Math.Max((ulong)Math.Ceiling(length * 0.1 * (other + 1)), 1));
                            current = name is "lowerAscii" or "upperAscii" or "trim" or "replace" or "substring" ? current : CelSize.Scalar;
                        }
                        else
                        {
                            current = CelSize.Scalar;
                        }
                    }

                    i = close + 1;
                }

                result = current;
                continue;
            }

            if (tok.Text == "(" || tok.Text == "[" || tok.Text == "{")
            {
                var close = Matching(t, i);
                cost = Saturate(cost, Cost(t, i + 1, close, env, out var inner));
                result = inner;
                i = close + 1;
                continue;
            }

            if (tok.Kind == CelTokenKind.Ident || tok.Kind == CelTokenKind.Operator)
            {
                cost += 1;
            }

            i++;
        }

        return cost;
    }

    private static CelSize Field(CelSize of, string name)
    {
        if (of.Kind == CelSizeKind.Object && of.Schema?["properties"]?[name] is JsonObject field)
        {
            return CelSize.Of(field);
        }

        if (of.Kind == CelSizeKind.Map)
        {
            return of.Element ?? CelSize.Scalar;
        }

        return CelSize.Scalar;
    }

    private static ulong? LiteralLength(IReadOnlyList<CelToken> t, int start, int end) =>
        end - start == 1 && t[start].Kind == CelTokenKind.String ? (ulong)Math.Max(t[start].Text.Length - 2, 1) : null;

    private static int Matching(IReadOnlyList<CelToken> t, int open)
    {
        var depth = 0;
        for (var i = open; i < t.Count; i++)
        {
            if (t[i].Text is "(" or "[" or "{")
            {
                depth++;
            }
            else if (t[i].Text is ")" or "]" or "}" && --depth == 0)
            {
                return i;
            }
        }

        return t.Count;
    }

    private static ulong Saturate(ulong a, ulong b) => ulong.MaxValue - a < b ? ulong.MaxValue : a + b;
}
