namespace TinyImage.Advisories;

/// <summary>Bounds on reading a database archive, so that a hostile or broken download cannot exhaust memory.</summary>
/// <param name="MaxEntryBytes">The largest advisory file accepted.</param>
/// <param name="MaxTotalBytes">The most bytes read from the decompressed tar stream, headers included.</param>
/// <param name="MaxEntries">The most tar entries accepted.</param>
public sealed record AdvisoryArchiveLimits(long MaxEntryBytes, long MaxTotalBytes, int MaxEntries)
{
    /// <summary>1 MiB per advisory, 256 MiB in all, 100,000 entries (the database is about 6 MiB in 1,300 files).</summary>
    public static AdvisoryArchiveLimits Default { get; } = new(1L << 20, 256L << 20, 100_000);
}
