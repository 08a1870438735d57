namespace TinyImage.Operator.Verification;

/// <summary>An advisory id not to count, until an optional date.</summary>
/// <param name="Id">The advisory id (<c>RUSTSEC-YYYY-NNNN</c>); an alias (CVE, GHSA) matches too.</param>
/// <param name="Until">The first day (UTC) on which the entry no longer applies; null: for good.</param>
/// <param name="Reason">Why, for a person.</param>
internal sealed record AdvisoryIgnore(string Id, DateOnly? Until, string? Reason)
{
    /// <summary>Whether the entry applies at <paramref name="now"/>: before 00:00 UTC of <see cref="Until"/>.</summary>
    public bool AppliesAt(DateTimeOffset now) =>
        Until is not { } until || DateOnly.FromDateTime(now.UtcDateTime) < until;
}
