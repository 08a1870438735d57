namespace TinyImage.Api;

// Schema markers on the API types. One source of truth: the CRD generator turns them into OpenAPI
// (pattern, enum, minimum/maximum, maxLength, maxItems, default, required, x-kubernetes-validations)
// and SpecValidator checks the same constraints again in code, so `render` and the reconciler
// refuse what the API server would refuse.

/// <summary>The string must match this regular expression (ECMA-262 compatible, anchored).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>The string must be one of these values.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EnumValuesAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}

/// <summary>Inclusive bounds for an integer.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeAttribute(long minimum, long maximum) : Attribute
{
    public long Minimum { get; } = minimum;
    public long Maximum { get; } = maximum;
}

/// <summary>Maximum string length, or maximum item count for a list.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxLengthAttribute(int length) : Attribute
{
    public int Length { get; } = length;
}

/// <summary>The property must be present (and, for strings, non-empty).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

/// <summary>The schema default, as JSON text (e.g. <c>"\"scratch\""</c>, <c>"true"</c>, <c>"1"</c>, <c>"{}"</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultAttribute(string json) : Attribute
{
    public string Json { get; } = json;
}

/// <summary>A CEL rule (<c>x-kubernetes-validations</c>) on the object this type describes; <see cref="Message"/> is shown when it fails.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;
    public string Message { get; } = message;
}
