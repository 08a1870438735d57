namespace TinyImage.Sbom;

/// <summary>Where the compressed audit data lives in a binary.</summary>
/// <param name="Format">The binary's format.</param>
/// <param name="Name">The section's name (<c>.dep-v0</c> or a legacy name).</param>
/// <param name="Offset">Absolute file offset of the first byte.</param>
/// <param name="Length">Number of bytes (for PE: VirtualSize, not the padded raw size).</param>
public sealed record AuditSection(BinaryFormat Format, string Name, long Offset, long Length);
