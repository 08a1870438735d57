namespace TinyImage.Sbom;

/// <summary>Strict semantic version syntax check (semver.org 2.0.0, as the Rust <c>semver</c> crate parses cargo versions).</summary>
public static class SemVer
{
    /// <summary>True for <c>MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]</c> with no leading zeros, no prefix, no whitespace.</summary>
    public static bool IsValid(string? version)
    {
        if (string.IsNullOrEmpty(version))
        {
            return false;
        }

        var plus = version.IndexOf('+', StringComparison.Ordinal);
        var core = plus < 0 ? version : version[..plus];
        if (plus >= 0 && !Identifiers(version[(plus + 1)..], numericLeadingZeroAllowed: true))
        {
            return false;
        }

        var dash = core.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0 && !Identifiers(core[(dash + 1)..], numericLeadingZeroAllowed: false))
        {
            return false;
        }

        var numbers = (dash < 0 ? core : core[..dash]).Split('.');
        return numbers.Length == 3 && numbers.All(IsNumber);
    }

    private static bool IsNumber(string part) =>
        part.Length > 0 && part.All(char.IsAsciiDigit) && (part.Length == 1 || part[0] != '0') && ulong.TryParse(part, out _);

    private static bool Identifiers(string text, bool numericLeadingZeroAllowed)
    {
        foreach (var id in text.Split('.'))
        {
            if (id.Length == 0 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }

            if (!numericLeadingZeroAllowed && id.Length > 1 && id[0] == '0' && id.All(char.IsAsciiDigit))
            {
                return false;
            }
        }

        return true;
    }
}
