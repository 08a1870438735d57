namespace TinyImage.KubeEmulator.Builtins;

/// <summary>What a Go field decodes into, for the JSON round trip.</summary>
internal enum GoKind
{
    String,
    Int32,
    Int64,
    Bool,
    Bytes,
    Quantity,
    IntOrString,
    Time,
    MicroTime,
    Raw,
    Pointer,
    Slice,
    Map,
    Struct,
}
