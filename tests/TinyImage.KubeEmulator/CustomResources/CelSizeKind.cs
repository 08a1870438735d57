namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>The shapes the CEL cost estimator tells apart.</summary>
internal enum CelSizeKind
{
    Scalar,
    String,
    List,
    Map,
    Object,
}
