namespace TinyImage.Sbom;

/// <summary>
/// Finds the audit section (segment <c>__DATA</c>) in a Mach-O file: thin 32/64-bit in either byte order, or a fat
/// (universal) file whose slices are searched in order. Reads only the headers and load commands.
/// </summary>
public static class MachOSectionReader
{
    private const uint MhMagic = 0xFEEDFACE;
    private const uint MhCigam = 0xCEFAEDFE;
    private const uint MhMagic64 = 0xFEEDFACF;
    private const uint MhCigam64 = 0xCFFAEDFE;
    private const uint FatMagic = 0xCAFEBABE;
    private const uint FatMagic64 = 0xCAFEBABF;
    private const uint LcSegment = 0x1;
    private const uint LcSegment64 = 0x19;
    private const uint SectionTypeMask = 0xFF;
    private const uint SZeroFill = 0x1;
    private const uint SGbZeroFill = 0xC;
    private const uint SThreadLocalZeroFill = 0x12;

    /// <summary>Fat files have a handful of slices; more looks like a Java class file or garbage.</summary>
    public const int MaxFatSlices = 32;

    /// <summary>True for the magic numbers of thin and fat Mach-O files (read big-endian).</summary>
    public static bool IsMagic(uint bigEndianMagic) =>
        bigEndianMagic is MhMagic or MhCigam or MhMagic64 or MhCigam64 or FatMagic or FatMagic64;

    public static SbomOutcome<AuditSection> Find(BinaryView view)
    {
        Span<byte> b8 = stackalloc byte[8];
        if (!view.TryRead(0, b8))
        {
            return Truncated("Mach-O magic");
        }

        var magic = BinaryView.U32(b8, bigEndian: true);
        if (magic is FatMagic or FatMagic64)
        {
            return FindInFat(view, magic == FatMagic64, BinaryView.U32(b8[4..], bigEndian: true));
        }

        return FindInThin(view, 0, view.Length);
    }

    private static SbomOutcome<AuditSection> FindInFat(BinaryView view, bool is64, uint count)
    {
        if (count > MaxFatSlices)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.TooManyHeaders, $"Fat Mach-O declares {count} slices; the cap is {MaxFatSlices}.");
        }

        var entrySize = is64 ? 32 : 20;
        if (!view.Contains(8, count * entrySize))
        {
            return Truncated($"fat header ({count} slices)");
        }

        Span<byte> entry = stackalloc byte[32];
        entry = entry[..entrySize];
        SbomOutcome<AuditSection>? firstFailure = null;
        for (var i = 0; i < count; i++)
        {
            if (!view.TryRead(8 + ((long)i * entrySize), entry))
            {
                return Truncated($"fat slice entry {i}");
            }

            ulong offset = is64 ? BinaryView.U64(entry[8..], true) : BinaryView.U32(entry[8..], true);
            ulong size = is64 ? BinaryView.U64(entry[16..], true) : BinaryView.U32(entry[12..], true);
            if (offset > long.MaxValue || size > long.MaxValue || !view.Contains((long)offset, (long)size))
            {
                return SbomOutcome<AuditSection>.Fail(SbomError.SectionOutOfBounds, $"Fat Mach-O slice {i} ({size} bytes at offset {offset}) lies outside the {view.Length}-byte file.");
            }

            var result = FindInThin(view, (long)offset, (long)size);
            if (result.IsSuccess)
            {
                return result;
            }

            firstFailure ??= result;
        }

        return firstFailure ?? SbomOutcome<AuditSection>.Fail(SbomError.NoAuditData, "The fat Mach-O file has no slices.");
    }

    private static SbomOutcome<AuditSection> FindInThin(BinaryView view, long start, long size)
    {
        Span<byte> header = stackalloc byte[32];
        if (size < 28 || !view.TryRead(start, header[..28]))
        {
            return Truncated($"Mach-O header at offset {start}");
        }

        var magic = BinaryView.U32(header, bigEndian: true);
        bool is64;
        bool bigEndian;
        switch (magic)
        {
            case MhMagic: is64 = false; bigEndian = true; break;
            case MhCigam: is64 = false; bigEndian = false; break;
            case MhMagic64: is64 = true; bigEndian = true; break;
            case MhCigam64: is64 = true; bigEndian = false; break;
            default:
                return SbomOutcome<AuditSection>.Fail(SbomError.InvalidHeader, $"No thin Mach-O magic at offset {start} (found 0x{magic:X8}).");
        }

        var headerSize = is64 ? 32 : 28;
        var ncmds = BinaryView.U32(header[16..], bigEndian);
        long sizeofcmds = BinaryView.U32(header[20..], bigEndian);
        if (ncmds > SectionNames.MaxHeaderCount)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.TooManyHeaders, $"Mach-O declares {ncmds} load commands; the cap is {SectionNames.MaxHeaderCount}.");
        }

        if (sizeofcmds > size - headerSize || !view.Contains(start + headerSize, sizeofcmds))
        {
            return Truncated($"Mach-O load commands ({sizeofcmds} bytes)");
        }

        var segmentHeaderSize = is64 ? 72 : 56;
        var sectionSize = is64 ? 80 : 68;
        Span<byte> cmd = stackalloc byte[72];
        Span<byte> sect = stackalloc byte[80];
        long cursor = 0;
        (string Name, long Offset, long Length)? current = null;
        (string Name, long Offset, long Length)? legacy = null;
        for (uint i = 0; i < ncmds; i++)
        {
            if (sizeofcmds - cursor < 8)
            {
                return Truncated($"Mach-O load command {i}");
            }

            var at = start + headerSize + cursor;
            view.TryRead(at, cmd[..8]);
            var kind = BinaryView.U32(cmd, bigEndian);
            long cmdsize = BinaryView.U32(cmd[4..], bigEndian);
            if (cmdsize < 8 || cmdsize > sizeofcmds - cursor)
            {
                return SbomOutcome<AuditSection>.Fail(SbomError.InvalidHeader, $"Mach-O load command {i} has size {cmdsize}, outside the {sizeofcmds - cursor} bytes left.");
            }

            if ((kind == LcSegment && !is64) || (kind == LcSegment64 && is64))
            {
                if (cmdsize < segmentHeaderSize)
                {
                    return SbomOutcome<AuditSection>.Fail(SbomError.InvalidHeader, $"Mach-O segment command {i} is {cmdsize} bytes, shorter than its header.");
                }

                view.TryRead(at, cmd[..segmentHeaderSize]);
                var nsects = BinaryView.U32(cmd[(segmentHeaderSize - 8)..], bigEndian);
                if (nsects > (cmdsize - segmentHeaderSize) / sectionSize)
                {
                    return SbomOutcome<AuditSection>.Fail(SbomError.InvalidHeader, $"Mach-O segment command {i} declares {nsects} sections that do not fit its {cmdsize} bytes.");
                }

                for (uint j = 0; j < nsects; j++)
                {
                    view.TryRead(at + segmentHeaderSize + ((long)j * sectionSize), sect[..sectionSize]);
                    var isCurrent = BinaryView.FixedNameEquals(sect[..16], SectionNames.Current);
                    var isLegacy = !isCurrent && BinaryView.FixedNameEquals(sect[..16], SectionNames.LegacyElfMachO);
                    if ((!isCurrent && !isLegacy) || !BinaryView.FixedNameEquals(sect[16..32], SectionNames.MachOSegment))
                    {
                        continue;
                    }

                    var name = isCurrent ? SectionNames.Current : SectionNames.LegacyElfMachO;
                    ulong secSize = is64 ? BinaryView.U64(sect[40..], bigEndian) : BinaryView.U32(sect[36..], bigEndian);
                    uint secOffset = BinaryView.U32(sect[(is64 ? 48 : 40)..], bigEndian);
                    var flags = BinaryView.U32(sect[(is64 ? 64 : 56)..], bigEndian);
                    if ((flags & SectionTypeMask) is SZeroFill or SGbZeroFill or SThreadLocalZeroFill)
                    {
                        return SbomOutcome<AuditSection>.Fail(SbomError.InvalidHeader, $"Mach-O section {name} is zero-fill: it has no bytes in the file.");
                    }

                    if (secSize > long.MaxValue || secOffset > size || (long)secSize > size - secOffset)
                    {
                        return SbomOutcome<AuditSection>.Fail(SbomError.SectionOutOfBounds, $"Mach-O section {name} ({secSize} bytes at offset {secOffset}) lies outside the {size}-byte image.");
                    }

                    var found = (name, start + secOffset, (long)secSize);
                    if (isCurrent)
                    {
                        current ??= found;
                    }
                    else
                    {
                        legacy ??= found;
                    }
                }
            }

            cursor += cmdsize;
        }

        if ((current ?? legacy) is not { } hit)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.NoAuditData, $"The Mach-O file has no {SectionNames.MachOSegment},{SectionNames.Current} section.");
        }

        return SbomOutcome<AuditSection>.Ok(new AuditSection(BinaryFormat.MachO, hit.Name, hit.Offset, hit.Length));
    }

    private static SbomOutcome<AuditSection> Truncated(string what) =>
        SbomOutcome<AuditSection>.Fail(SbomError.TruncatedHeader, $"The {what} reaches past the end of the file.");
}
