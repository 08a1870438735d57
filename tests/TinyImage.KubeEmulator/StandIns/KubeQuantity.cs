using System.Globalization;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>Reads a Kubernetes resource quantity (<c>128Mi</c>, <c>1G</c>, <c>500m</c>, <c>1e3</c>) as a number.</summary>
public static class KubeQuantity
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1000m), ("M", 1000000m), ("G", 1000000000m),
        ("T", 1000000000000m), ("P", 1000000000000000m), ("E", 1000000000000000000m),
    ];

    /// <summary>The quantity's value (cores for CPU, bytes for memory), or null when it is not a quantity.</summary>
    public static decimal? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        foreach (var (suffix, factor) in Suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && decimal.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            {
                return v * factor;
            }
        }

        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) ? plain : null;
    }

    /// <summary>A memory or storage quantity in whole bytes (rounded up, as the kubelet does), or null.</summary>
    public static long? Bytes(string? text) => Parse(text) is { } v ? (long)Math.Ceiling(v) : null;
}
