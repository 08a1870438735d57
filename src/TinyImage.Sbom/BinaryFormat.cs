namespace TinyImage.Sbom;

/// <summary>Executable formats that can carry a cargo-auditable section, detected by magic bytes.</summary>
public enum BinaryFormat
{
    Elf,
    Pe,
    MachO,
    Wasm,
}
