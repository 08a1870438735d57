using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;

namespace TinyImage.Api;

/// <summary>
/// Reads the schema markers (<see cref="PatternAttribute"/>, <see cref="CelRuleAttribute"/>, ...) off the API types.
/// The one reader for both users of the markers: the CRD generator (TinyImage.Operator/Crd) turns them into OpenAPI,
/// <see cref="SpecValidator"/> checks the same constraints in code.
/// </summary>
public static class SchemaMarkers
{
    /// <summary>The pattern Kubernetes gives resource quantities (as controller-gen writes it).</summary>
    public const string QuantityPattern =
        "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

    /// <summary>The CEL rules declared on a type, in declaration order.</summary>
    public static IReadOnlyList<CelRuleAttribute> CelRules(Type type) =>
        CelRulesByType.GetOrAdd(type, static t => [.. t.GetCustomAttributes(typeof(CelRuleAttribute), inherit: false).Cast<CelRuleAttribute>()]);

    /// <summary>A schema marker on the CLR property behind a JSON property.</summary>
    /// <remarks>
    /// Memoized per (attribute provider, attribute type): the reconciler validates every spec it sees with these markers,
    /// and reading custom attributes is slow under NativeAOT (it decodes metadata each time; a quarter of the operator's
    /// CPU at 1,000 TinyImages before this cache, by perf).
    /// </remarks>
    public static T? Attribute<T>(JsonPropertyInfo? property)
        where T : Attribute =>
        property?.AttributeProvider is { } provider
            ? (T?)AttributesByProvider.GetOrCreateValue(provider).GetOrAdd(typeof(T), static (type, p) => p.GetCustomAttributes(type, inherit: false).Cast<Attribute>().SingleOrDefault(), provider)
            : null;

    private static readonly ConcurrentDictionary<Type, IReadOnlyList<CelRuleAttribute>> CelRulesByType = new();

    // Weak keys: a provider that is no longer referenced takes its entries with it.
    private static readonly ConditionalWeakTable<ICustomAttributeProvider, ConcurrentDictionary<Type, Attribute?>> AttributesByProvider = new();
}
