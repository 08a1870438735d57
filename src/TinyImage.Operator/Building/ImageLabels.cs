using System.Globalization;
using k8s.Models;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;

namespace TinyImage.Operator.Building;

/// <summary>
/// The OCI labels of the built image (<c>org.opencontainers.image.source</c>, <c>.revision</c>, <c>.created</c>), given to
/// Kaniko as <c>--label KEY=VALUE</c>: Kaniko writes them into the image config's labels, as a Containerfile's LABEL
/// would (it has no flag for manifest annotations). Added when the Job is created, not by the pure
/// <see cref="KanikoJobBuilder"/>: <c>.created</c> is the time the build started, so it is not part of the build hash.
/// </summary>
internal static class ImageLabels
{
    public const string Source = "org.opencontainers.image.source";
    public const string Revision = "org.opencontainers.image.revision";
    public const string Created = "org.opencontainers.image.created";

    /// <summary>The labels for a build of <paramref name="tinyImage"/>.</summary>
    public static IReadOnlyList<(string Key, string Value)> For(ValidTinyImage tinyImage, BuildStatus? build, string? sourceDigest, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        var labels = new List<(string, string)>();
        var git = tinyImage.Spec.Source.Git;
        if (git is not null)
        {
            labels.Add((Source, git.Url));
        }

        if ((build?.Commit ?? git?.Ref?.Commit ?? sourceDigest) is { } revision)
        {
            labels.Add((Revision, revision));
        }

        labels.Add((Created, now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        return labels;
    }

    /// <summary>Appends the labels to the Kaniko container's args.</summary>
    public static void AddTo(V1Job job, ValidTinyImage tinyImage, BuildStatus? build, string? sourceDigest, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        var kaniko = job.Spec.Template.Spec.Containers.First(c => c.Name == KanikoJobBuilder.KanikoContainerName);
        foreach (var (key, value) in For(tinyImage, build, sourceDigest, now))
        {
            kaniko.Args.Add("--label=" + key + "=" + value);
        }
    }
}
