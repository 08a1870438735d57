using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>The git source's revision as the operator last resolved it.</summary>
public sealed class SourceStatus
{
    /// <summary>The commit the tracked ref pointed at (or the spec's pinned ref.commit).</summary>
    [JsonPropertyName("commit")]
    public string? Commit { get; set; }

    /// <summary>The full ref that was resolved, e.g. refs/heads/main (for the default branch, the branch HEAD points at).</summary>
    [JsonPropertyName("ref")]
    public string? Ref { get; set; }

    /// <summary>Why the latest resolution failed, while the build keeps the commit resolved before.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>The value of the tinyimage.dev/push annotation the operator has resolved the ref for.</summary>
    [JsonPropertyName("lastHandledPush")]
    public string? LastHandledPush { get; set; }
}
