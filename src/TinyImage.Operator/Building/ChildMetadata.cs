using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using TinyImage.Api.V1Alpha1;

namespace TinyImage.Operator.Building;

/// <summary>
/// Names, labels and the owner reference every child of a TinyImage carries (see DESIGN.md). Names are deterministic;
/// a TinyImage name too long for a label value or a Job name is shortened the same way every time.
/// </summary>
internal static class ChildMetadata
{
    public const string AppNameValue = "tinyimage";
    public const string ComponentBuild = "build";
    public const string ComponentWorkload = "workload";

    /// <summary>Label values, Job names (their pods get a <c>job-name</c> label) and Service names stay within this.</summary>
    public const int MaxLabelValueLength = 63;

    private const string BuildInfix = "-build-";

    /// <summary>The build Job's name (and the previous release's Containerfile ConfigMap's): <c>NAME-build-HASH</c>, at most 63 characters.</summary>
    public static string BuildName(string tinyImageName, string buildHash) =>
        Shorten(tinyImageName, MaxLabelValueLength - BuildInfix.Length - BuildHash.Length) + BuildInfix + buildHash;

    /// <summary>
    /// <paramref name="name"/> itself when it has at most <paramref name="max"/> characters; otherwise its first
    /// characters, a dash and 5 hex characters of the SHA-256 of the whole name (deterministic, and distinct for names
    /// that share the prefix).
    /// </summary>
    public static string Shorten(string name, int max)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length <= max)
        {
            return name;
        }

        var suffix = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..5];
        var prefix = name[..(max - suffix.Length - 1)].TrimEnd('-', '.');
        return prefix + "-" + suffix;
    }

    /// <summary>The TinyImage's name as a label value (shortened past 63 characters).</summary>
    public static string NameLabelValue(Api.V1Alpha1.TinyImage ti) => Shorten(ti.Metadata.Name, MaxLabelValueLength);

    /// <summary>The labels of a child: the recommended app.kubernetes.io labels and tinyimage.dev/name, plus the build hash for build objects.</summary>
    public static Dictionary<string, string> Labels(Api.V1Alpha1.TinyImage ti, string component, string? buildHash = null)
    {
        var name = NameLabelValue(ti);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Annotations.AppNameLabel] = AppNameValue,
            [Annotations.InstanceLabel] = name,
            [Annotations.ComponentLabel] = component,
            [Annotations.ManagedByLabel] = Annotations.ManagedByValue,
            [Annotations.NameLabel] = name,
        };
        if (buildHash is not null)
        {
            labels[Annotations.BuildHashLabel] = buildHash;
        }

        return labels;
    }

    /// <summary>The workload's selector: only labels that never change for the TinyImage (a selector is immutable).</summary>
    public static Dictionary<string, string> WorkloadSelector(Api.V1Alpha1.TinyImage ti) => new(StringComparer.Ordinal)
    {
        [Annotations.AppNameLabel] = AppNameValue,
        [Annotations.InstanceLabel] = NameLabelValue(ti),
        [Annotations.ComponentLabel] = ComponentWorkload,
    };

    /// <summary>The controller owner reference to the TinyImage; throws when the TinyImage has no uid yet.</summary>
    public static V1OwnerReference OwnerReference(Api.V1Alpha1.TinyImage ti)
    {
        ArgumentNullException.ThrowIfNull(ti);
        if (string.IsNullOrEmpty(ti.Metadata.Uid))
        {
            throw new ArgumentException("the TinyImage has no metadata.uid: children need it for their owner reference", nameof(ti));
        }

        return new V1OwnerReference
        {
            ApiVersion = Api.V1Alpha1.TinyImage.ApiVersionValue,
            Kind = Api.V1Alpha1.TinyImage.KindValue,
            Name = ti.Metadata.Name,
            Uid = ti.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>Metadata of a child: name, the TinyImage's namespace, labels, owner reference.</summary>
    public static V1ObjectMeta Metadata(Api.V1Alpha1.TinyImage ti, string name, IDictionary<string, string> labels, IDictionary<string, string>? annotations = null) => new()
    {
        Name = name,
        NamespaceProperty = ti.Metadata.NamespaceProperty,
        Labels = labels,
        Annotations = annotations,
        OwnerReferences = [OwnerReference(ti)],
    };

    /// <summary>The spec's resources as a Kubernetes ResourceRequirements (null when none are set).</summary>
    public static V1ResourceRequirements? Resources(ResourceRequirementsSpec? spec) =>
        spec is null || (spec.Limits is null && spec.Requests is null)
            ? null
            : new V1ResourceRequirements
            {
                Limits = spec.Limits is null ? null : new Dictionary<string, ResourceQuantity>(spec.Limits, StringComparer.Ordinal),
                Requests = spec.Requests is null ? null : new Dictionary<string, ResourceQuantity>(spec.Requests, StringComparer.Ordinal),
            };
}
