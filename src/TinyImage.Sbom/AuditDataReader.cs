namespace TinyImage.Sbom;

/// <summary>
/// Reads the cargo-auditable SBOM of a binary: finds the section (reading headers only), refuses a section larger
/// than the decompressed cap before reading it, then decodes and validates it. Never throws for malformed input;
/// I/O errors of the stream itself propagate.
/// </summary>
public static class AuditDataReader
{
    public static SbomOutcome<AuditData> Read(Stream binary, int maxDecompressedBytes = AuditDataDecoder.MaxDecompressedBytes)
    {
        var view = new BinaryView(binary);
        var located = AuditSectionLocator.Locate(view);
        if (!located.IsSuccess)
        {
            return SbomOutcome<AuditData>.Fail(located.Failure);
        }

        var section = located.Value;
        var raw = ReadSection(view, section, maxDecompressedBytes);
        if (!raw.IsSuccess)
        {
            return SbomOutcome<AuditData>.Fail(raw.Failure);
        }

        var decoded = AuditDataDecoder.Decode(raw.Value, maxDecompressedBytes);
        return decoded.IsSuccess ? SbomOutcome<AuditData>.Ok(decoded.Value with { Section = section }) : decoded;
    }

    /// <summary>Reads the section's bytes, refusing sections larger than the cap (compressed data never grows smaller than that).</summary>
    public static SbomOutcome<byte[]> ReadSection(BinaryView view, AuditSection section, int maxDecompressedBytes = AuditDataDecoder.MaxDecompressedBytes)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(section);
        if (section.Length > maxDecompressedBytes)
        {
            return SbomOutcome<byte[]>.Fail(SbomError.CompressedTooLarge, $"Section {section.Name} is {section.Length} bytes, more than the {maxDecompressedBytes}-byte cap on the decompressed data.");
        }

        var bytes = new byte[section.Length];
        return view.TryRead(section.Offset, bytes)
            ? SbomOutcome<byte[]>.Ok(bytes)
            : SbomOutcome<byte[]>.Fail(SbomError.SectionOutOfBounds, $"Section {section.Name} ({section.Length} bytes at offset {section.Offset}) lies outside the {view.Length}-byte file.");
    }
}
