namespace TinyImage.Sbom;

/// <summary>
/// Detects the binary format by its magic bytes and finds the audit section with the matching reader.
/// </summary>
/// <remarks>
/// The readers are hand-written rather than ELFSharp, LibObjectFile or System.Reflection.PortableExecutable:
/// those libraries parse whole object models (every section, symbol and segment) and signal malformed input with
/// exceptions of many types; ELFSharp and LibObjectFile cover only ELF (and Mach-O without fat/wasm) and are not
/// annotated for trimming. What is needed here is a few hundred bytes of headers read through one bounded
/// <see cref="BinaryView"/>, with every offset, size and count checked and each failure named.
/// </remarks>
public static class AuditSectionLocator
{
    /// <summary>Detects the format of the binary from its first bytes, or null.</summary>
    public static BinaryFormat? Detect(BinaryView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        Span<byte> magic = stackalloc byte[4];
        if (!view.TryRead(0, magic))
        {
            return null;
        }

        if (magic is [0x7F, (byte)'E', (byte)'L', (byte)'F'])
        {
            return BinaryFormat.Elf;
        }

        if (magic is [(byte)'M', (byte)'Z', _, _])
        {
            return BinaryFormat.Pe;
        }

        if (magic is [0x00, (byte)'a', (byte)'s', (byte)'m'])
        {
            return BinaryFormat.Wasm;
        }

        return MachOSectionReader.IsMagic(BinaryView.U32(magic, bigEndian: true)) ? BinaryFormat.MachO : null;
    }

    /// <summary>Finds the audit section in the binary.</summary>
    public static SbomOutcome<AuditSection> Locate(BinaryView view) => Detect(view) switch
    {
        BinaryFormat.Elf => ElfSectionReader.Find(view),
        BinaryFormat.Pe => PeSectionReader.Find(view),
        BinaryFormat.MachO => MachOSectionReader.Find(view),
        BinaryFormat.Wasm => WasmSectionReader.Find(view),
        _ => SbomOutcome<AuditSection>.Fail(SbomError.UnknownBinaryFormat, $"The file ({view.Length} bytes) is not ELF, PE, Mach-O or wasm."),
    };
}
