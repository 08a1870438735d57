using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Api;

/// <summary>
/// The one validator of a TinyImage, in code: the same schema markers the CRD is generated from (pattern, enum,
/// range, length, item count, required, item patterns), a C# counterpart of every CEL rule, and the injection checks
/// of every value the builders use (SpecValidator.Safety.cs), so `render` and the reconciler refuse what the API
/// server would refuse and more. It also refuses control characters and the Unicode line and paragraph separators in
/// every string, which the schema alone does not. A valid resource comes back as a <see cref="ValidTinyImage"/>,
/// the only type the builders take.
/// </summary>
public static partial class SpecValidator
{
    private static readonly ConcurrentDictionary<string, Regex> Regexes = new(StringComparer.Ordinal);
    private static readonly Regex Quantity = Compile(SchemaMarkers.QuantityPattern);
    private static readonly Regex Name = Compile(TinyImageResource.NamePattern);

    /// <summary>
    /// The C# logic of each <see cref="CelRuleAttribute"/>, keyed by the rule's exact text (a test checks every rule has one).
    /// Each takes the object the rule is declared on and returns whether the rule holds. The API server applies the
    /// schema defaults before it evaluates a rule; the typed objects carry the same defaults as property initialisers.
    /// </summary>
    public static IReadOnlyDictionary<string, Func<object, bool>> CelCounterparts { get; } = new Dictionary<string, Func<object, bool>>(StringComparer.Ordinal)
    {
        ["self.base != 'scratch' || self.staticLinking"] =
            o => o is BuildSpec b && (b.Base != BuildSpec.BaseScratch || b.StaticLinking),
        ["self.base != 'distroless-static' || self.staticLinking"] =
            o => o is BuildSpec b && (b.Base != BuildSpec.BaseDistrolessStatic || b.StaticLinking),
        ["!self.builderHasCargoAuditable || has(self.builderImage)"] =
            o => o is BuildSpec b && (!b.BuilderHasCargoAuditable || b.BuilderImage is not null),
        ["!self.path.split('/').exists(s, s == '..' || s == '.')"] =
            o => o is ConfigMapItem i && !HasDotSegment(i.Path),
        ["has(self.secretKeyRef) != has(self.configMapKeyRef)"] =
            o => o is EnvVarSourceSpec s && (s.SecretKeyRef is null) != (s.ConfigMapKeyRef is null),
        ["has(self.value) != has(self.valueFrom)"] =
            o => o is EnvVarSpec e && (e.Value is null) != (e.ValueFrom is null),
        ["(has(self.branch) ? 1 : 0) + (has(self.tag) ? 1 : 0) + (has(self.commit) ? 1 : 0) <= 1"] =
            o => o is GitRef r && (r.Branch is null ? 0 : 1) + (r.Tag is null ? 0 : 1) + (r.Commit is null ? 0 : 1) <= 1,
        ["(!has(self.branch) || !self.branch.contains('..')) && (!has(self.tag) || !self.tag.contains('..'))"] =
            o => o is GitRef r && r.Branch?.Contains("..", StringComparison.Ordinal) != true && r.Tag?.Contains("..", StringComparison.Ordinal) != true,
        ["!has(self.subPath) || !self.subPath.split('/').exists(s, s == '..' || s == '.')"] =
            o => o is GitSource g && (g.SubPath is null || !HasDotSegment(g.SubPath)),
        ["(self.kind == 'HTTPRoute') == has(self.gateway) && (self.kind == 'Ingress' || !has(self.ingressClassName))"] =
            o => o is RouteSpec r && RouteShapeHolds(r),
        [TinyImageResource.NameRule] =
            o => o is TinyImageResource t && IsValidName(t.Metadata?.Name),
        ["has(self.git) != has(self.configMap)"] =
            o => o is SourceSpec s && (s.Git is null) != (s.ConfigMap is null),
        ["!has(self.verify) || !has(self.verify.scratchOnly) || !self.verify.scratchOnly || !has(self.build) || !has(self.build.base) || self.build.base == 'scratch'"] =
            o => o is TinyImageSpec s && (s.Verify is null || !s.Verify.ScratchOnly || s.Build is null || s.Build.Base == BuildSpec.BaseScratch),
    };

    /// <summary>
    /// Validates the resource: a <see cref="ValidTinyImage"/> when it has no error, otherwise every error with its
    /// field path. The reconciler calls this once per pass; `render` once per document.
    /// </summary>
    public static SpecValidation Validate(TinyImageResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return ValidTinyImage.Of(resource);
    }

    /// <summary>Every error of the resource's metadata and spec, schema and CEL first, then the injection checks; empty when it is valid.</summary>
    internal static IReadOnlyList<FieldError> Errors(TinyImageResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var errors = new List<FieldError>();
        CheckMetadata(errors, resource);
        if (resource.Spec is null)
        {
            errors.Add(new FieldError("spec", "required"));
            return errors;
        }

        ValidateObject(resource.Spec, ApiJson.Options.GetTypeInfo(typeof(TinyImageSpec)), "spec", errors);

        // The injection checks overlap the markers; a field the schema part already refused is reported once.
        var safety = new List<FieldError>();
        CheckSafety(safety, resource.Spec);
        var reported = errors.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var error in safety)
        {
            if (reported.Add(error.Path))
            {
                errors.Add(error);
            }
        }

        return errors;
    }

    /// <summary>
    /// The errors of <c>spec.build.builderImage</c> and <c>spec.build.kanikoImage</c> alone, by the same rules and with the
    /// same messages as <see cref="Errors"/> (schema markers, the CEL rule that ties builderHasCargoAuditable to
    /// builderImage, then the injection checks): for a copy of a valid TinyImage that differs in these two fields only
    /// (<see cref="ValidTinyImage.WithBuildImages"/>).
    /// </summary>
    internal static IReadOnlyList<FieldError> BuildImageErrors(BuildSpec build)
    {
        ArgumentNullException.ThrowIfNull(build);
        var errors = new List<FieldError>();
        var info = ApiJson.Options.GetTypeInfo(typeof(BuildSpec));
        foreach (var property in info.Properties)
        {
            if (property.Name is "builderImage" or "kanikoImage" && property.Get?.Invoke(build) is string value)
            {
                ValidateString(value, property, "spec.build." + property.Name, errors);
            }
        }

        foreach (var rule in SchemaMarkers.CelRules(info.Type))
        {
            if (rule.Rule.Contains("builderImage", StringComparison.Ordinal) && !CelCounterparts[rule.Rule](build))
            {
                errors.Add(new FieldError("spec.build", rule.Message));
            }
        }

        var safety = new List<FieldError>();
        Check(safety, "spec.build.builderImage", build.BuilderImage, Patterns.ImageReference, 512);
        Check(safety, "spec.build.kanikoImage", build.KanikoImage, Patterns.ImageReference, 512);
        var reported = errors.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        errors.AddRange(safety.Where(e => reported.Add(e.Path)));
        return errors;
    }

    /// <summary>
    /// Whether a TinyImage name yields valid child names (see <see cref="TinyImageResource.MaxNameLength"/>): a DNS-1035
    /// label of at most 63 characters. A missing name passes (the API server always sets one before the rule runs).
    /// </summary>
    public static bool IsValidName(string? name) =>
        name is null || (name.Length <= TinyImageResource.MaxNameLength && Name.IsMatch(name));

    /// <summary>
    /// Reads a TinyImage from JSON and validates it. Malformed JSON or a value its type cannot hold (e.g. an invalid
    /// quantity) is an error too, never an exception.
    /// </summary>
    public static SpecValidation Parse(JsonElement json)
    {
        TinyImageResource? resource;
        try
        {
            resource = ApiJson.Deserialize<TinyImageResource>(json);
        }
        catch (JsonException e)
        {
            return new SpecValidation(null, null, [new FieldError(e.Path is { } p ? p.TrimStart('$', '.') : "", "malformed: " + e.Message)]);
        }
        catch (FormatException e)
        {
            // KubernetesClient's quantity converter throws these for a malformed quantity.
            return new SpecValidation(null, null, [new FieldError("spec", "malformed quantity: " + e.Message)]);
        }
        catch (ArgumentException e)
        {
            return new SpecValidation(null, null, [new FieldError("spec", "malformed quantity: " + e.Message)]);
        }

        if (resource is null)
        {
            return new SpecValidation(null, null, [new FieldError("", "the document is null")]);
        }

        return Validate(resource);
    }

    private static void ValidateObject(object value, JsonTypeInfo info, string path, List<FieldError> errors)
    {
        foreach (var property in info.Properties)
        {
            if (property.Get is null)
            {
                continue;
            }

            var child = property.Get(value);
            var childPath = path + "." + property.Name;
            if (Marker<RequiredAttribute>(property) is not null && child is null or "")
            {
                errors.Add(new FieldError(childPath, "required"));
                continue;
            }

            ValidateValue(child, property.PropertyType, property, childPath, errors);
        }

        foreach (var rule in SchemaMarkers.CelRules(info.Type))
        {
            if (!CelCounterparts.TryGetValue(rule.Rule, out var holds))
            {
                throw new InvalidOperationException("The CEL rule '" + rule.Rule + "' on " + info.Type.Name + " has no C# counterpart in SpecValidator.");
            }

            if (!holds(value))
            {
                errors.Add(new FieldError(path, rule.Message));
            }
        }
    }

    private static void ValidateValue(object? value, Type declared, JsonPropertyInfo? property, string path, List<FieldError> errors)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                ValidateString(s, property, path, errors);
                return;
            case int i:
                ValidateRange(i, property, path, errors);
                return;
            case long l:
                ValidateRange(l, property, path, errors);
                return;
            case bool or DateTime or DateTimeOffset or V1ObjectMeta:
                return;
            case ResourceQuantity q:
                if (!Quantity.IsMatch(q.ToString()))
                {
                    errors.Add(new FieldError(path, "must be a quantity such as 4Mi or 500m"));
                }

                return;
        }

        // The declared type: its metadata is in the source-generated context (the runtime type, e.g. List<T>, may not be).
        var info = ApiJson.Options.GetTypeInfo(Nullable.GetUnderlyingType(declared) ?? declared);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                ValidateObject(value, info, path, errors);
                break;
            case JsonTypeInfoKind.Dictionary when value is System.Collections.IDictionary dictionary:
                foreach (System.Collections.DictionaryEntry entry in dictionary)
                {
                    var key = entry.Key as string ?? "";
                    var entryPath = path + "[" + key + "]";
                    RejectControlCharacters(key, entryPath, errors);
                    ValidateValue(entry.Value, info.ElementType!, property: null, entryPath, errors);
                }

                break;
            case JsonTypeInfoKind.Enumerable when value is System.Collections.IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    var itemPath = path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";
                    if (item is string s)
                    {
                        // Pattern and enum markers on a list describe its items.
                        ValidateString(s, property, itemPath, errors, asItem: true);
                    }
                    else
                    {
                        ValidateValue(item, info.ElementType!, property: null, itemPath, errors);
                    }

                    index++;
                }

                if (Marker<MaxLengthAttribute>(property) is { } maxItems && index > maxItems.Length)
                {
                    errors.Add(new FieldError(path, "must have at most " + maxItems.Length.ToString(CultureInfo.InvariantCulture) + " items"));
                }

                break;
        }
    }

    private static void ValidateString(string s, JsonPropertyInfo? property, string path, List<FieldError> errors, bool asItem = false)
    {
        if (!RejectControlCharacters(s, path, errors))
        {
            return;
        }

        if (!asItem && Marker<MaxLengthAttribute>(property) is { } max && s.Length > max.Length)
        {
            errors.Add(new FieldError(path, "must be at most " + max.Length.ToString(CultureInfo.InvariantCulture) + " characters"));
            return;
        }

        if (Marker<EnumValuesAttribute>(property) is { } values && !values.Values.Contains(s, StringComparer.Ordinal))
        {
            errors.Add(new FieldError(path, "must be one of " + string.Join(", ", values.Values)));
        }

        if (Marker<PatternAttribute>(property) is { } pattern && !Matches(pattern.Pattern, s))
        {
            errors.Add(new FieldError(path, "must match " + pattern.Pattern));
        }
    }

    private static void ValidateRange(long n, JsonPropertyInfo? property, string path, List<FieldError> errors)
    {
        if (Marker<RangeAttribute>(property) is { } range && (n < range.Minimum || n > range.Maximum))
        {
            errors.Add(new FieldError(path, "must be between " + range.Minimum.ToString(CultureInfo.InvariantCulture) + " and " + range.Maximum.ToString(CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Adds an error and returns false when the string holds a control character or a Unicode line or paragraph separator.</summary>
    private static bool RejectControlCharacters(string s, string path, List<FieldError> errors)
    {
        foreach (var c in s)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                errors.Add(new FieldError(path, "must not contain control characters or line separators (found U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) + ")"));
                return false;
            }
        }

        return true;
    }

    private static bool Matches(string pattern, string s) => Regexes.GetOrAdd(pattern, Compile).IsMatch(s);

    /// <summary>
    /// Compiles a schema pattern once. The API server matches with Go's RE2, where <c>$</c> is the end of the text;
    /// .NET's <c>$</c> also matches before a final newline, so a trailing <c>$</c> becomes <c>\z</c>. Like RE2, the
    /// pattern runs on the non-backtracking engine: whether it matches is the same answer, found in time linear in the
    /// input, so no match timeout is needed, and none can turn a valid value into an error on a loaded machine (a
    /// wall-clock timeout fires when the thread is descheduled, not only when a pattern backtracks).
    /// </summary>
    public static Regex Compile(string pattern)
    {
        var dotnet = pattern.EndsWith('$') && !pattern.EndsWith("\\$", StringComparison.Ordinal) ? pattern[..^1] + "\\z" : pattern;
        return new Regex(dotnet, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, Regex.InfiniteMatchTimeout);
    }

    private static bool HasDotSegment(string path) => path.Split('/').Any(s => s is "." or "..");

    private static T? Marker<T>(JsonPropertyInfo? property)
        where T : Attribute => SchemaMarkers.Attribute<T>(property);
}
