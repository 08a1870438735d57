using System.Collections.Immutable;

namespace TinyImage.Sbom;

/// <summary>A decoded and validated cargo-auditable SBOM.</summary>
/// <param name="Packages">The packages in the order written; dependency indices point into this list.</param>
/// <param name="Format">The <c>format</c> revision (0 when omitted). Revisions are backwards compatible, so any value is accepted.</param>
/// <param name="RootIndex">Index of the one root package.</param>
/// <param name="Json">The decompressed JSON bytes exactly as embedded.</param>
public sealed record AuditData(ImmutableArray<AuditPackage> Packages, uint Format, int RootIndex, ReadOnlyMemory<byte> Json)
{
    /// <summary>The root package: the crate the binary was built from.</summary>
    public AuditPackage Root => Packages[RootIndex];

    /// <summary>Where the data was found, when read from a binary.</summary>
    public AuditSection? Section { get; init; }
}
