using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>The build of one spec hash.</summary>
public sealed class BuildStatus
{
    /// <summary>The Kaniko Job's name.</summary>
    [JsonPropertyName("jobName")]
    public string? JobName { get; set; }

    /// <summary>The hash of every input that defines the image.</summary>
    [JsonPropertyName("specHash")]
    public string? SpecHash { get; set; }

    /// <summary>The pushed digest, once the build succeeded.</summary>
    [JsonPropertyName("digest")]
    public string? Digest { get; set; }

    /// <summary>When the build started.</summary>
    [JsonPropertyName("startTime")]
    public DateTime? StartTime { get; set; }

    /// <summary>When the build finished.</summary>
    [JsonPropertyName("completionTime")]
    public DateTime? CompletionTime { get; set; }

    /// <summary>Why the build failed (a Built condition reason), recorded so the outcome outlives the Job.</summary>
    [JsonPropertyName("failureReason")]
    public string? FailureReason { get; set; }

    /// <summary>What failed, in a sentence, recorded so the outcome outlives the Job.</summary>
    [JsonPropertyName("failureMessage")]
    public string? FailureMessage { get; set; }

    /// <summary>The value of the tinyimage.dev/retry annotation the build's Job was created under.</summary>
    [JsonPropertyName("retry")]
    public string? Retry { get; set; }

    /// <summary>The git commit the build's source was pinned to (resolved from the branch or tag, or the spec's ref.commit).</summary>
    [JsonPropertyName("commit")]
    public string? Commit { get; set; }

    /// <summary>
    /// When this build began waiting for a build slot (the operator's caps on concurrent builds, cluster-wide and per
    /// namespace); waiting builds start oldest first. Unset once its Job is created, or when it does not wait.
    /// </summary>
    [JsonPropertyName("queuedTime")]
    public DateTime? QueuedTime { get; set; }

    /// <summary>The last lines of the build log when the build failed.</summary>
    [JsonPropertyName("logTail")]
    public string? LogTail { get; set; }

    /// <summary>Why this build ran: FirstBuild, SpecChanged, NewCommit, NewToolchain or Retry.</summary>
    [JsonPropertyName("reason")]
    [EnumValues(BuildReasons.FirstBuild, BuildReasons.SpecChanged, BuildReasons.NewCommit, BuildReasons.NewToolchain, BuildReasons.Retry)]
    public string? Reason { get; set; }

    /// <summary>The toolchain images of this build and the digests they were pinned to.</summary>
    [JsonPropertyName("toolchain")]
    [MaxLength(4)]
    public IList<ToolchainImage>? Toolchain { get; set; }

    /// <summary>
    /// A digest of the TinyImage's own build inputs (spec and source, no operator defaults), so an operator upgrade that
    /// changes the build hash's form or its pinned defaults keeps this build until the inputs really change.
    /// </summary>
    [JsonPropertyName("inputs")]
    public string? Inputs { get; set; }

    /// <summary>When the toolchain tags were last resolved (spec.build.rebuildOnToolchainUpdate).</summary>
    [JsonPropertyName("toolchainCheckedTime")]
    public DateTime? ToolchainCheckedTime { get; set; }

    /// <summary>The latest verified builds, newest first, at most spec.build.historyLimit.</summary>
    [JsonPropertyName("history")]
    [MaxLength(20)]
    public IList<BuildRecord>? History { get; set; }
}
