namespace TinyImage.Sbom;

/// <summary>Why an embedded cargo-auditable SBOM could not be read. Every failure of the reader has its own name.</summary>
public enum SbomError
{
    /// <summary>The binary is readable but carries no <c>.dep-v0</c> (or legacy) section.</summary>
    NoAuditData,

    /// <summary>The first bytes are not ELF, PE, Mach-O or wasm.</summary>
    UnknownBinaryFormat,

    /// <summary>A header or header table reaches past the end of the file.</summary>
    TruncatedHeader,

    /// <summary>A header field is inconsistent (entry size too small, string table index out of range, ...).</summary>
    InvalidHeader,

    /// <summary>A header count (sections, load commands, fat slices) exceeds the reader's cap.</summary>
    TooManyHeaders,

    /// <summary>The audit section's offset or size points outside the file.</summary>
    SectionOutOfBounds,

    /// <summary>The compressed section is larger than the decompressed cap, refused before inflating.</summary>
    CompressedTooLarge,

    /// <summary>The inflated data exceeds the decompressed cap (a zlib bomb or a huge SBOM).</summary>
    DecompressedTooLarge,

    /// <summary>The section is not a valid zlib (RFC 1950) stream: bad header, corrupt or truncated deflate data, bad checksum.</summary>
    ZlibInvalid,

    /// <summary>The inflated bytes are not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>The text is not well-formed JSON (one value, no comments, no trailing commas).</summary>
    JsonMalformed,

    /// <summary>The JSON nests deeper than the reader's limit.</summary>
    JsonTooDeep,

    /// <summary>Well-formed JSON of the wrong shape: a missing or mistyped field, a duplicate key.</summary>
    SchemaViolation,

    /// <summary>A package name is empty or holds characters a cargo package name cannot have.</summary>
    InvalidPackageName,

    /// <summary>A package version is not strict semver (semver.org 2.0.0).</summary>
    InvalidVersion,

    /// <summary>A package <c>kind</c> other than <c>build</c> or <c>runtime</c>.</summary>
    InvalidKind,

    /// <summary>The <c>format</c> field is not a non-negative 32-bit integer.</summary>
    InvalidFormat,

    /// <summary>No package is marked <c>root</c>.</summary>
    NoRoot,

    /// <summary>More than one package is marked <c>root</c>.</summary>
    MultipleRoots,

    /// <summary>A dependency index does not name a package of the list.</summary>
    DependencyIndexOutOfRange,

    /// <summary>A package lists the same dependency index twice.</summary>
    DuplicateDependency,

    /// <summary>The dependency graph has a cycle (a package depending on itself counts).</summary>
    DependencyCycle,
}
