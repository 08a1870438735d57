namespace TinyImage.Sbom;

/// <summary>
/// Finds the audit section in an ELF file (32/64-bit, little/big endian) by reading only the ELF header, the section
/// header table and the section names. Handles extended numbering (<c>e_shnum == 0</c>, <c>e_shstrndx == SHN_XINDEX</c>).
/// </summary>
public static class ElfSectionReader
{
    private const int ShnXIndex = 0xFFFF;
    private const uint ShtNoBits = 8;
    private const int MaxNameLength = 32;

    public static SbomOutcome<AuditSection> Find(BinaryView view)
    {
        Span<byte> ident = stackalloc byte[16];
        if (!view.TryRead(0, ident))
        {
            return Truncated("ELF identification (16 bytes)");
        }

        var is64 = ident[4] switch
        {
            1 => false,
            2 => true,
            _ => (bool?)null,
        };
        var bigEndian = ident[5] switch
        {
            1 => false,
            2 => true,
            _ => (bool?)null,
        };
        if (is64 is null || bigEndian is null)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.InvalidHeader, $"ELF class {ident[4]} or data encoding {ident[5]} is not 1 or 2.");
        }

        var e = new ElfLayout(is64.Value, bigEndian.Value);
        Span<byte> header = stackalloc byte[64];
        header = header[..e.HeaderSize];
        if (!view.TryRead(0, header))
        {
            return Truncated($"ELF header ({e.HeaderSize} bytes)");
        }

        var shoff = e.Is64 ? BinaryView.U64(header[0x28..], e.BigEndian) : BinaryView.U32(header[0x20..], e.BigEndian);
        var shentsize = BinaryView.U16(header[(e.Is64 ? 0x3A : 0x2E)..], e.BigEndian);
        ulong shnum = BinaryView.U16(header[(e.Is64 ? 0x3C : 0x30)..], e.BigEndian);
        ulong shstrndx = BinaryView.U16(header[(e.Is64 ? 0x3E : 0x32)..], e.BigEndian);

        if (shoff == 0)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.NoAuditData, "The ELF file has no section header table.");
        }

        if (shentsize < e.SectionHeaderSize)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.InvalidHeader, $"ELF e_shentsize {shentsize} is smaller than a section header ({e.SectionHeaderSize}).");
        }

        if (shoff > long.MaxValue)
        {
            return Truncated($"ELF section header table at offset {shoff}");
        }

        Span<byte> sh = stackalloc byte[64];
        sh = sh[..e.SectionHeaderSize];
        if (shnum == 0 || shstrndx == ShnXIndex)
        {
            // Extended numbering: the real counts live in section header 0.
            if (!view.TryRead((long)shoff, sh))
            {
                return Truncated($"ELF section header 0 at offset {shoff}");
            }

            var first = e.ParseSection(sh);
            if (shnum == 0)
            {
                shnum = first.Size;
            }

            if (shstrndx == ShnXIndex)
            {
                shstrndx = first.Link;
            }
        }

        if (shnum > SectionNames.MaxHeaderCount)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.TooManyHeaders, $"ELF declares {shnum} sections; the cap is {SectionNames.MaxHeaderCount}.");
        }

        if (!view.Contains((long)shoff, (long)shnum * shentsize))
        {
            return Truncated($"ELF section header table ({shnum} x {shentsize} bytes at offset {shoff}, file is {view.Length} bytes)");
        }

        if (shstrndx >= shnum)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.InvalidHeader, $"ELF e_shstrndx {shstrndx} is not below the section count {shnum}.");
        }

        if (!view.TryRead((long)shoff + ((long)shstrndx * shentsize), sh))
        {
            return Truncated("ELF section name table header");
        }

        var strtab = e.ParseSection(sh);
        if (!view.Contains(Clamp(strtab.Offset), Clamp(strtab.Size)))
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.SectionOutOfBounds, $"ELF section name table ({strtab.Size} bytes at offset {strtab.Offset}) lies outside the {view.Length}-byte file.");
        }

        ElfSection? current = null;
        ElfSection? legacy = null;
        Span<byte> name = stackalloc byte[MaxNameLength];
        for (ulong i = 0; i < shnum; i++)
        {
            if (!view.TryRead((long)shoff + ((long)i * shentsize), sh))
            {
                return Truncated($"ELF section header {i}");
            }

            var s = e.ParseSection(sh);
            if (s.NameOffset >= strtab.Size)
            {
                continue;
            }

            var available = (int)Math.Min((ulong)MaxNameLength, strtab.Size - s.NameOffset);
            var read = name[..available];
            if (!view.TryRead((long)strtab.Offset + (long)s.NameOffset, read))
            {
                return Truncated($"ELF section name {i}");
            }

            if (NameIs(read, SectionNames.Current))
            {
                current ??= s;
            }
            else if (NameIs(read, SectionNames.LegacyElfMachO))
            {
                legacy ??= s;
            }
        }

        var found = current ?? legacy;
        if (found is null)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.NoAuditData, $"The ELF file has no {SectionNames.Current} section.");
        }

        var foundName = current is not null ? SectionNames.Current : SectionNames.LegacyElfMachO;
        if (found.Type == ShtNoBits)
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.InvalidHeader, $"ELF section {foundName} is SHT_NOBITS: it has no bytes in the file.");
        }

        if (!view.Contains(Clamp(found.Offset), Clamp(found.Size)))
        {
            return SbomOutcome<AuditSection>.Fail(SbomError.SectionOutOfBounds, $"ELF section {foundName} ({found.Size} bytes at offset {found.Offset}) lies outside the {view.Length}-byte file.");
        }

        return SbomOutcome<AuditSection>.Ok(new AuditSection(BinaryFormat.Elf, foundName, (long)found.Offset, (long)found.Size));
    }

    /// <summary>True when the NUL-terminated name at the start of <paramref name="bytes"/> is <paramref name="expected"/>.</summary>
    private static bool NameIs(ReadOnlySpan<byte> bytes, string expected) =>
        bytes.Length > expected.Length && bytes[expected.Length] == 0 && BinaryView.FixedNameEquals(bytes[..(expected.Length + 1)], expected);

    private static long Clamp(ulong value) => value > long.MaxValue ? -1 : (long)value;

    private static SbomOutcome<AuditSection> Truncated(string what) =>
        SbomOutcome<AuditSection>.Fail(SbomError.TruncatedHeader, $"The {what} reaches past the end of the file.");

    private sealed record ElfSection(ulong NameOffset, uint Type, ulong Offset, ulong Size, uint Link);

    private readonly record struct ElfLayout(bool Is64, bool BigEndian)
    {
        public int HeaderSize => Is64 ? 64 : 52;

        public int SectionHeaderSize => Is64 ? 64 : 40;

        public ElfSection ParseSection(ReadOnlySpan<byte> sh) => Is64
            ? new ElfSection(
                BinaryView.U32(sh, BigEndian),
                BinaryView.U32(sh[4..], BigEndian),
                BinaryView.U64(sh[0x18..], BigEndian),
                BinaryView.U64(sh[0x20..], BigEndian),
                BinaryView.U32(sh[0x28..], BigEndian))
            : new ElfSection(
                BinaryView.U32(sh, BigEndian),
                BinaryView.U32(sh[4..], BigEndian),
                BinaryView.U32(sh[0x10..], BigEndian),
                BinaryView.U32(sh[0x14..], BigEndian),
                BinaryView.U32(sh[0x18..], BigEndian));
    }
}
