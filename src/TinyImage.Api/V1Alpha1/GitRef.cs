using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>At most one of branch, tag or commit.</summary>
[CelRule("(has(self.branch) ? 1 : 0) + (has(self.tag) ? 1 : 0) + (has(self.commit) ? 1 : 0) <= 1", "set at most one of ref.branch, ref.tag, ref.commit")]
[CelRule("(!has(self.branch) || !self.branch.contains('..')) && (!has(self.tag) || !self.tag.contains('..'))", "a branch or tag must not contain '..'")]
public sealed class GitRef
{
    /// <summary>A branch name.</summary>
    [JsonPropertyName("branch")]
    [Pattern(Patterns.GitRefName)]
    [MaxLength(200)]
    public string? Branch { get; set; }

    /// <summary>A tag name.</summary>
    [JsonPropertyName("tag")]
    [Pattern(Patterns.GitRefName)]
    [MaxLength(200)]
    public string? Tag { get; set; }

    /// <summary>A full 40-character commit id.</summary>
    [JsonPropertyName("commit")]
    [Pattern(Patterns.GitCommit)]
    [MaxLength(40)]
    public string? Commit { get; set; }
}
