using TinyImage.Advisories;

namespace TinyImage.Operator.Verification;

/// <summary>
/// The advisory database the operator verifies against: null until one is loaded. Replaced whole (the database is
/// immutable), so readers never see a half-loaded one.
/// </summary>
internal sealed class AdvisoryDatabaseHolder
{
    private AdvisoryDatabase? current;

    /// <summary>The loaded database, or null.</summary>
    public AdvisoryDatabase? Current => Volatile.Read(ref current);

    /// <summary>Replaces the database.</summary>
    public void Set(AdvisoryDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        Volatile.Write(ref current, database);
    }
}
