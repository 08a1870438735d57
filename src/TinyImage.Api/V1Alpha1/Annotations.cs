namespace TinyImage.Api.V1Alpha1;

/// <summary>Labels and annotations the operator reads or writes.</summary>
public static class Annotations
{
    /// <summary>Set (to any new value, e.g. a timestamp) to run the build and verification of the same spec again, a successful one too.</summary>
    public const string Retry = "tinyimage.dev/retry";

    /// <summary>Written by the webhook receiver when a push to the tracked repository arrives: the leader resolves the ref at once.</summary>
    public const string Push = "tinyimage.dev/push";

    /// <summary>On a build Job: the commit its source is pinned to.</summary>
    public const string SourceCommit = "tinyimage.dev/source-commit";

    /// <summary>On a build Job: why it was started (see <see cref="BuildReasons"/>).</summary>
    public const string BuildReason = "tinyimage.dev/build-reason";

    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "tinyimage-operator";
    public const string NameLabel = "tinyimage.dev/name";
    public const string BuildHashLabel = "tinyimage.dev/build-hash";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string AppNameLabel = "app.kubernetes.io/name";
    public const string InstanceLabel = "app.kubernetes.io/instance";
    public const string PartOfLabel = "app.kubernetes.io/part-of";
}
