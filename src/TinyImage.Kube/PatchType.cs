namespace TinyImage.Kube;

/// <summary>Patch formats the API server accepts.</summary>
public enum PatchType
{
    /// <summary>RFC 7386 JSON merge patch (<c>application/merge-patch+json</c>).</summary>
    Merge,

    /// <summary>RFC 6902 JSON patch (<c>application/json-patch+json</c>).</summary>
    Json,

    /// <summary>Strategic merge patch; built-in kinds only.</summary>
    StrategicMerge,
}
