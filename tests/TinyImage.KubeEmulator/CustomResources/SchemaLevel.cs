namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>Where a schema node sits, for the structural invariants' messages.</summary>
internal enum SchemaLevel
{
    Root,
    Item,
    Field,
}
