namespace TinyImage.Operator.Sbom;

/// <summary>Executable formats that can carry a cargo-auditable section, detected by magic bytes.</summary>
internal enum BinaryFormat
{
    Elf,
    Pe,
    MachO,
    Wasm,
}
