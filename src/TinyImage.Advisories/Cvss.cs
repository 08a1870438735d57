using System.Globalization;

namespace TinyImage.Advisories;

/// <summary>
/// A CVSS vector with its base score and severity. CVSS v3.0 and v3.1 base scores are computed from the vector by
/// the v3.1 specification's formulas (section 7.1, with its <c>Roundup</c>, also for v3.0 vectors); v4.0 scores by
/// FIRST's reference calculator, ported in <see cref="CvssV4"/>.
/// </summary>
/// <param name="Vector">The vector as written (<c>CVSS:3.1/AV:N/...</c>).</param>
/// <param name="Version">The CVSS version named by the vector (<c>3.0</c>, <c>3.1</c>, <c>4.0</c>).</param>
/// <param name="BaseScore">The base score, or null when not computed.</param>
/// <param name="Severity">The severity of the base score.</param>
public sealed record Cvss(string Vector, string Version, double? BaseScore, CvssSeverity Severity)
{
    /// <summary>Parses a vector; throws <see cref="FormatException"/> for a malformed v3 vector or an unknown version.</summary>
    public static Cvss Parse(string vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var parts = vector.Split('/');
        if (!parts[0].StartsWith("CVSS:", StringComparison.Ordinal))
        {
            throw new FormatException($"'{vector}' is not a CVSS vector: it does not start with CVSS:");
        }

        var version = parts[0]["CVSS:".Length..];
        switch (version)
        {
            case "3.0":
            case "3.1":
                var score = BaseScoreV3(vector, parts);
                return new Cvss(vector, version, score, SeverityOf(score));
            case "4.0":
                var score4 = CvssV4.Score(vector, parts);
                return new Cvss(vector, version, score4, SeverityOf(score4));
            default:
                throw new FormatException($"'{vector}': CVSS version '{version}' is not known");
        }
    }

    /// <summary>The qualitative severity of a base score.</summary>
    public static CvssSeverity SeverityOf(double score) => score switch
    {
        <= 0.0 => CvssSeverity.None,
        < 4.0 => CvssSeverity.Low,
        < 7.0 => CvssSeverity.Medium,
        < 9.0 => CvssSeverity.High,
        _ => CvssSeverity.Critical,
    };

    private static double BaseScoreV3(string vector, string[] parts)
    {
        var metrics = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts.AsSpan(1))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !metrics.TryAdd(part[..colon], part[(colon + 1)..]))
            {
                throw new FormatException($"'{vector}': malformed or repeated metric '{part}'");
            }
        }

        string Get(string name) =>
            metrics.TryGetValue(name, out var v) ? v : throw new FormatException($"'{vector}': base metric {name} is missing");

        var changed = Get("S") switch
        {
            "U" => false,
            "C" => true,
            var s => throw new FormatException($"'{vector}': S:{s} is not a scope"),
        };
        double Pick(string name, params (string Value, double Weight)[] weights)
        {
            var value = Get(name);
            foreach (var (v, w) in weights)
            {
                if (v == value)
                {
                    return w;
                }
            }

            throw new FormatException($"'{vector}': {name}:{value} is not a known value");
        }

        var av = Pick("AV", ("N", 0.85), ("A", 0.62), ("L", 0.55), ("P", 0.2));
        var ac = Pick("AC", ("L", 0.77), ("H", 0.44));
        var pr = Pick("PR", ("N", 0.85), ("L", changed ? 0.68 : 0.62), ("H", changed ? 0.5 : 0.27));
        var ui = Pick("UI", ("N", 0.85), ("R", 0.62));
        var c = Pick("C", ("H", 0.56), ("L", 0.22), ("N", 0.0));
        var i = Pick("I", ("H", 0.56), ("L", 0.22), ("N", 0.0));
        var a = Pick("A", ("H", 0.56), ("L", 0.22), ("N", 0.0));

        var iss = 1 - ((1 - c) * (1 - i) * (1 - a));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        var exploitability = 8.22 * av * ac * pr * ui;
        if (impact <= 0)
        {
            return 0;
        }

        return changed ? Roundup(Math.Min(1.08 * (impact + exploitability), 10)) : Roundup(Math.Min(impact + exploitability, 10));
    }

    /// <summary>CVSS v3.1 Appendix A: the smallest number with one decimal that is at least the input.</summary>
    private static double Roundup(double input)
    {
        var scaled = (long)Math.Round(input * 100000);
        return scaled % 10000 == 0 ? scaled / 100000.0 : (Math.Floor(scaled / 10000.0) + 1) / 10.0;
    }

    /// <inheritdoc />
    public override string ToString() =>
        BaseScore is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:0.0} {Severity} ({Vector})") : $"{Severity} ({Vector})";
}
