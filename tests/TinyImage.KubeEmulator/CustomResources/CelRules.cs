using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>
/// The CEL environment of x-kubernetes-validations (the Cel package, with Kubernetes' strings extension <c>split</c>)
/// and the JSON-to-CEL value mapping. Compiling is serialized; compiled programs are reused for every request.
/// </summary>
internal static partial class CelRules
{
    private static readonly Lock Gate = new();
    private static readonly CelEnvironment Environment = CreateEnvironment();

    /// <summary>Compiles a rule; the error text when the library refuses it.</summary>
    public static CelProgramDelegate? Compile(string rule, out string? error)
    {
        lock (Gate)
        {
            try
            {
                error = null;
                return Environment.Compile(KubernetesHas(rule));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = "compilation failed: ERROR: <input>: " + e.Message;
                return null;
            }
        }
    }

    /// <summary>
    /// Whether <see cref="CelVariables"/> may answer a field selection of <paramref name="rule"/> from the variables: no
    /// macro (all, exists, exists_one, map, filter) binds a variable named <c>self</c> or <c>oldSelf</c>, which would
    /// shadow the root variable inside it.
    /// </summary>
    public static bool ResolvesPaths(string rule) => !RebindsRoot().IsMatch(rule);

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(all|exists|exists_one|map|filter)\s*\(\s*(self|oldSelf)\s*,")]
    private static partial System.Text.RegularExpressions.Regex RebindsRoot();

    /// <summary>
    /// The top-level fields of <c>self</c> (and <c>oldSelf</c>) that <paramref name="rule"/> can observe, when it reads them
    /// only as <c>self.field...</c> (<c>has(self.field)</c> included); null when it may observe the whole value (<c>self</c>
    /// compared, passed to a function, iterated by a macro or indexed, a method called on it, or a literal this reader does
    /// not follow). A field outside the set cannot change the rule's result, so it need not be converted for CEL.
    /// </summary>
    public static IReadOnlySet<string>? ObservedFields(string rule)
    {
        if (rule.Contains("'''", StringComparison.Ordinal) || rule.Contains("\"\"\"", StringComparison.Ordinal))
        {
            return null;
        }

        var tokens = CelTokens.Read(rule);
        var fields = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] is not { Kind: CelTokenKind.Ident, Text: "self" or "oldSelf" } || (i > 0 && tokens[i - 1] is { Kind: CelTokenKind.Punctuation, Text: "." }))
            {
                continue;
            }

            if (i + 2 >= tokens.Count || tokens[i + 1] is not { Kind: CelTokenKind.Punctuation, Text: "." } || tokens[i + 2].Kind != CelTokenKind.Ident
                || (i + 3 < tokens.Count && tokens[i + 3] is { Kind: CelTokenKind.Punctuation, Text: "(" }))
            {
                return null;
            }

            fields.Add(tokens[i + 2].Text);
        }

        return fields;
    }

    /// <summary>A JSON value as the Cel package's values (maps, lists, long, double, string, bool).</summary>
    public static object? ToCel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => ToCel(kv.Value)),
        JsonArray a => a.Select(ToCel).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => JsonNumbers.Long(v) is { } l ? l : v.TryGetValue<double>(out var d) ? d : JsonSerializerDouble(v),
            _ => null,
        },
        _ => null,
    };

    private static double JsonSerializerDouble(JsonValue v) =>
        v.TryGetValue<JsonElement>(out var e) && e.TryGetDouble(out var d) ? d : double.NaN;

    /// <summary>
    /// <c>has(x.f)</c> as Kubernetes means it, presence of the key: the Cel package applies proto3 semantics to maps and
    /// calls an empty string or object absent. Rewritten to a function that tests the key (outside string literals).
    /// </summary>
    internal static string KubernetesHas(string rule)
    {
        var b = new System.Text.StringBuilder(rule.Length);
        var i = 0;
        while (i < rule.Length)
        {
            var c = rule[i];
            if (c is '\'' or '"')
            {
                var end = i + 1;
                while (end < rule.Length && rule[end] != c)
                {
                    end += rule[end] == '\\' ? 2 : 1;
                }

                end = Math.Min(end + 1, rule.Length);
                b.Append(rule, i, end - i);
                i = end;
                continue;
            }

            var m = HasCall().Match(rule, i);
            if (m.Success && m.Index == i && (i == 0 || !(char.IsAsciiLetterOrDigit(rule[i - 1]) || rule[i - 1] == '_' || rule[i - 1] == '.')))
            {
                b.Append("hasField(").Append(m.Groups[1].Value).Append(", '").Append(m.Groups[2].Value).Append("')");
                i += m.Length;
                continue;
            }

            b.Append(c);
            i++;
        }

        return b.ToString();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\Ghas\(\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\.([A-Za-z_][A-Za-z0-9_]*)\s*\)")]
    private static partial System.Text.RegularExpressions.Regex HasCall();

    private static CelEnvironment CreateEnvironment()
    {
        var env = new CelEnvironment(null, null);
        env.RegisterFunction("hasField", [typeof(object), typeof(string)], args => args[0] is IDictionary<string, object?> map && map.ContainsKey((string)args[1]!));
        env.RegisterFunction("split", [typeof(string), typeof(string)], args => ((string)args[0]!).Split((string)args[1]!).Cast<object?>().ToList());

        // The package's own matches(string, string) builds a new Regex from the pattern on every call (a parse and a
        // compile per evaluation: the root rule of a TinyImage runs on every write). The same Regex, the same options,
        // built once per pattern: a registered function is found before the package's.
        env.RegisterFunction("matches", [typeof(string), typeof(string)], args => Pattern((string)args[1]!).IsMatch((string)args[0]!));
        return env;
    }

    /// <summary>
    /// The regular expression of a <c>matches()</c> pattern, built as the Cel package builds it (<c>new Regex(pattern)</c>,
    /// so an invalid pattern throws the same error) and kept for the next call. Patterns come from the CRDs' rules; one
    /// a rule computes from data could be anything, so the cache stops growing at <see cref="MaxPatterns"/>.
    /// </summary>
    internal static System.Text.RegularExpressions.Regex Pattern(string pattern)
    {
        if (Patterns.TryGetValue(pattern, out var regex))
        {
            return regex;
        }

        regex = new System.Text.RegularExpressions.Regex(pattern);
        if (Patterns.Count < MaxPatterns)
        {
            Patterns.TryAdd(pattern, regex);
        }

        return regex;
    }

    internal const int MaxPatterns = 512;

    internal static bool IsCached(string pattern) => Patterns.ContainsKey(pattern);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, System.Text.RegularExpressions.Regex> Patterns = new(StringComparer.Ordinal);
}
