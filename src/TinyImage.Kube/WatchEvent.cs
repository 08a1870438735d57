using k8s.Models;

namespace TinyImage.Kube;

/// <summary>The type of a watch event.</summary>
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>Only metadata.resourceVersion is meaningful: progress to resume from.</summary>
    Bookmark,

    /// <summary>The object is a Status (410 Gone: the resourceVersion expired).</summary>
    Error,
}

/// <summary>One event of a watch stream: the object, or the Status of an ERROR event.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Object, V1Status? Error)
    where T : class;
