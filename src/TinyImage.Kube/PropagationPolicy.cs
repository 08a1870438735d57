namespace TinyImage.Kube;

/// <summary>What happens to dependents when an object is deleted.</summary>
public enum PropagationPolicy
{
    /// <summary>The server's default for the kind (for Jobs: orphan the pods).</summary>
    Default,
    Background,
    Foreground,
    Orphan,
}
