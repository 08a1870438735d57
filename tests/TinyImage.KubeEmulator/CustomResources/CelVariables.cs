using System.Diagnostics.CodeAnalysis;

namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>
/// The variables of one rule evaluation (<c>self</c>, <c>oldSelf</c>). The Cel package first asks for a field selection's
/// whole text as a variable (<c>self.metadata.name</c>) and, when there is none, looks it up as a protobuf enum (it builds
/// the set of every enum descriptor it knows, on every selection) before it selects the field from the map. With
/// <see cref="ResolvesPaths"/> this answers a selection through maps from the variables directly, with the value the
/// package's own selection gives (a missing key, anything but a map on the way, or a segment that is not a plain
/// identifier is left to the package, as before).
/// Only for a rule that binds no macro variable named like a root variable (<c>self.all(self, ...)</c> would shadow it).
/// </summary>
internal sealed class CelVariables(bool resolvesPaths) : Dictionary<string, object?>(StringComparer.Ordinal), IDictionary<string, object?>
{
    public bool ResolvesPaths { get; } = resolvesPaths;

    bool IDictionary<string, object?>.TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        if (TryGetValue(key, out value))
        {
            return true;
        }

        var dot = key.IndexOf('.', StringComparison.Ordinal);
        if (!ResolvesPaths || dot < 0 || !TryGetValue(key[..dot], out var current))
        {
            value = null;
            return false;
        }

        var rest = key.AsSpan(dot + 1);
        while (true)
        {
            var next = rest.IndexOf('.');
            var field = next < 0 ? rest : rest[..next];
            if (!IsIdentifier(field) || current is not Dictionary<string, object?> map || !map.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(field, out current))
            {
                value = null;
                return false;
            }

            if (next < 0)
            {
                value = current;
                return true;
            }

            rest = rest[(next + 1)..];
        }
    }

    // A selection's text is its tokens: only a chain of plain identifiers (no index, call or literal) is a path.
    private static bool IsIdentifier(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !(char.IsAsciiLetter(s[0]) || s[0] == '_'))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
