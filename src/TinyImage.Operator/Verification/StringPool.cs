namespace TinyImage.Operator.Verification;

/// <summary>
/// Interns the package names and versions of the kept package lists, so a crate shared by many images (serde 1.0.x) is
/// stored once. Thread-safe. It only grows, by distinct names and versions seen (a few thousand strings); the process's
/// own <see cref="string.Intern"/> table is not used because it can never be trimmed.
/// </summary>
internal sealed class StringPool
{
    private readonly Lock gate = new();
    private readonly HashSet<string> strings = new(StringComparer.Ordinal);

    /// <summary>Distinct strings held.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return strings.Count;
            }
        }
    }

    /// <summary>The pooled instance equal to <paramref name="value"/> (added when new).</summary>
    public string Intern(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (gate)
        {
            if (strings.TryGetValue(value, out var pooled))
            {
                return pooled;
            }

            strings.Add(value);
            return value;
        }
    }
}
