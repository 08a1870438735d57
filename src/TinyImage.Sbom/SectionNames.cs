namespace TinyImage.Sbom;

/// <summary>The section names cargo-auditable writes, and the legacy names older builds used.</summary>
public static class SectionNames
{
    /// <summary>ELF, PE, Mach-O (segment <c>__DATA</c>) and wasm custom section.</summary>
    public const string Current = ".dep-v0";

    /// <summary>Older ELF and Mach-O builds.</summary>
    public const string LegacyElfMachO = ".rust-deps-v0";

    /// <summary>Older PE builds (eight-byte COFF names).</summary>
    public const string LegacyPe = "rdep-v0";

    /// <summary>The Mach-O segment holding the section.</summary>
    public const string MachOSegment = "__DATA";

    /// <summary>Cap on section headers, load commands and wasm sections walked: real binaries have a few dozen.</summary>
    public const int MaxHeaderCount = 65_535;
}
