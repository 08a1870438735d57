using TinyImage.Advisories;

namespace TinyImage.Operator.Verification;

/// <summary>
/// The advisory database the operator verifies against: null until one is loaded. Replaced whole (the database is
/// immutable), so readers never see a half-loaded one. <see cref="Replaced"/> tells the re-audit when the revision changed.
/// </summary>
internal sealed class AdvisoryDatabaseHolder
{
    private AdvisoryDatabase? current;

    /// <summary>Raised after <see cref="Set"/> stored a database of another revision (on the setter's thread; keep handlers short).</summary>
    public event Action<AdvisoryDatabase>? Replaced;

    /// <summary>The loaded database, or null.</summary>
    public AdvisoryDatabase? Current => Volatile.Read(ref current);

    /// <summary>Replaces the database; raises <see cref="Replaced"/> when its revision differs from the one held.</summary>
    public void Set(AdvisoryDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var before = Interlocked.Exchange(ref current, database);
        if (before?.Revision != database.Revision)
        {
            Replaced?.Invoke(database);
        }
    }
}
