using k8s.Models;
using TinyImage.Api;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Tests.Building;

/// <summary>
/// A build as the previous release made it: an immutable ConfigMap <c>NAME-build-HASH</c> holding the Containerfile under
/// the key <c>Containerfile</c>, and the Job mounting it as a configMap volume (this release puts the Containerfile into
/// the Job's pod-template annotation instead). For upgrade tests only.
/// </summary>
internal static class PreviousReleaseBuild
{
    public static V1ConfigMap ContainerfileConfigMap(ValidTinyImage tinyImage, string hash, OperatorOptions options)
    {
        var ti = tinyImage.Resource;
        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = ChildMetadata.Metadata(ti, ChildMetadata.BuildName(ti.Metadata.Name, hash), ChildMetadata.Labels(ti, ChildMetadata.ComponentBuild, hash)),
            Data = new Dictionary<string, string>(StringComparer.Ordinal) { [KanikoJobBuilder.ContainerfileKey] = ContainerfileGenerator.Generate(tinyImage, hash, options) },
            Immutable = true,
        };
    }

    /// <summary>The Job mounting <see cref="ContainerfileConfigMap"/> where this release mounts the annotation.</summary>
    public static V1Job Job(ValidTinyImage tinyImage, string hash, OperatorOptions options)
    {
        var job = KanikoJobBuilder.BuildJob(tinyImage, hash, options);
        var template = job.Spec.Template;
        template.Metadata.Annotations = null;
        var volume = template.Spec.Volumes.Single(v => v.DownwardAPI is not null);
        volume.DownwardAPI = null;
        volume.ConfigMap = new V1ConfigMapVolumeSource { Name = job.Metadata.Name };
        return job;
    }
}
