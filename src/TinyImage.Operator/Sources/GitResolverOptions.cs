namespace TinyImage.Operator.Sources;

/// <summary>Limits of one ref resolution.</summary>
internal sealed record GitResolverOptions
{
    /// <summary>The largest ref advertisement read (a repository with very many refs answers with megabytes).</summary>
    public long MaxResponseBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>The deadline of one request, the body included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public string UserAgent { get; init; } = "tinyimage-operator/0.1 git/2";
}
