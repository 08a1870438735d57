namespace TinyImage.Sbom;

/// <summary>
/// Finds the audit section in a PE/COFF image by reading the DOS stub pointer, the COFF header and the section table.
/// The data length is the section's VirtualSize (the real size), not SizeOfRawData (padded to the file alignment);
/// VirtualSize beyond SizeOfRawData would be zero fill that is not in the file, so the length is capped at the raw size.
/// COFF long names (<c>/123</c> into the string table) are not followed: both names fit the eight-byte field.
/// </summary>
public static class PeSectionReader
{
    private const int SectionHeaderSize = 40;

    public static SbomOutcome<AuditSection> Find(BinaryView view)
    {
        Span<byte> b4 = stackalloc byte[4];
        if (!view.TryRead(0x3C, b4))
        {
            return Truncated("DOS header (64 bytes)");
        }

        long peOffset = BinaryView.U32(b4, bigEndian: false);
        Span<byte> coff = stackalloc byte[24];
        if (!view.TryRead(peOffset, coff))
        {
            return Truncated($"PE signature and COFF header at offset {peOffset}");
        }

        if (coff[0] != (byte)'P' || coff[1] != (byte)'E' || coff[2] != 0 || coff[3] != 0)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.InvalidHeader, $"No PE signature at offset {peOffset} (e_lfanew).");
        }

        int sectionCount = BinaryView.U16(coff[6..], bigEndian: false);
        int optionalHeaderSize = BinaryView.U16(coff[20..], bigEndian: false);
        var tableOffset = peOffset + 24 + optionalHeaderSize;
        if (!view.Contains(tableOffset, (long)sectionCount * SectionHeaderSize))
        {
            return Truncated($"PE section table ({sectionCount} x {SectionHeaderSize} bytes at offset {tableOffset}, file is {view.Length} bytes)");
        }

        Span<byte> sh = stackalloc byte[SectionHeaderSize];
        (string Name, uint VirtualSize, uint RawSize, uint RawPointer)? current = null;
        (string Name, uint VirtualSize, uint RawSize, uint RawPointer)? legacy = null;
        for (var i = 0; i < sectionCount; i++)
        {
            if (!view.TryRead(tableOffset + ((long)i * SectionHeaderSize), sh))
            {
                return Truncated($"PE section header {i}");
            }

            var name = sh[..8];
            if (BinaryView.FixedNameEquals(name, SectionNames.Current))
            {
                current ??= (SectionNames.Current, BinaryView.U32(sh[8..], false), BinaryView.U32(sh[16..], false), BinaryView.U32(sh[20..], false));
            }
            else if (BinaryView.FixedNameEquals(name, SectionNames.LegacyPe))
            {
                legacy ??= (SectionNames.LegacyPe, BinaryView.U32(sh[8..], false), BinaryView.U32(sh[16..], false), BinaryView.U32(sh[20..], false));
            }
        }

        if ((current ?? legacy) is not { } found)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.NoAuditData, $"The PE file has no {SectionNames.Current} section.");
        }

        // VirtualSize 0 happens in object files: then the raw size is the size.
        long length = found.VirtualSize == 0 ? found.RawSize : Math.Min(found.VirtualSize, found.RawSize);
        if (!view.Contains(found.RawPointer, length))
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.SectionOutOfBounds, $"PE section {found.Name} ({length} bytes at offset {found.RawPointer}) lies outside the {view.Length}-byte file.");
        }

        return SbomOutcome<AuditSection>.Ok(new AuditSection(BinaryFormat.Pe, found.Name, found.RawPointer, length));
    }

    private static SbomOutcome<AuditSection> Truncated(string what) =>
        SbomOutcome<AuditSection>.Fail(SbomError.TruncatedHeader, $"The {what} reaches past the end of the file.");
}
