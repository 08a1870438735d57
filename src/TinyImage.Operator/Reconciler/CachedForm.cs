using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;
using TinyImage.Kube;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// What the informer caches keep of the children, and no more (issue 17): a ConfigMap's metadata without its data (the
/// SBOM is compared by its policy and hash annotations), a Job's metadata and status without its spec (a pass reads
/// nothing else, and never updates a Job; the Containerfile its pod template carries is not kept), a Deployment's metadata,
/// replicas, its container's image and the status a rollout is judged by, without the rest of its spec (compared by
/// the spec-hash annotation written with it and its generation, <see cref="Kube.ChildWriter.CreateOrUpdateBySpecHashAsync{T}"/>).
/// Every child update replaces what it strips or starts from a full read, so a stripped copy is never written back.
/// </summary>
internal static class CachedForm
{
    /// <summary>The SHA-256 of a ConfigMap's data as the operator wrote it.</summary>
    public const string DataHashAnnotation = "tinyimage.dev/data-sha256";

    /// <summary>The SHA-256 of a child's desired spec as the operator wrote it (Deployments).</summary>
    public const string SpecHashAnnotation = "tinyimage.dev/spec-sha256";

    /// <summary>Watch events of ConfigMaps, read without their data (<see cref="ConfigMap"/> drops it: the SBOM and the Containerfile are not built only to be dropped).</summary>
    public static readonly JsonTypeInfo<V1ConfigMap> ConfigMapEvents = SkippingJson.ItemInfo<V1ConfigMap>(new Dictionary<Type, Func<string, bool>>
    {
        [typeof(V1ConfigMap)] = property => property is not ("data" or "binaryData"),
    });

    /// <summary>Watch events of Jobs, read without their spec (<see cref="Job"/> drops it).</summary>
    public static readonly JsonTypeInfo<V1Job> JobEvents = SkippingJson.ItemInfo<V1Job>(new Dictionary<Type, Func<string, bool>>
    {
        [typeof(V1Job)] = property => property != "spec",
    });

    /// <summary>Watch events of Deployments, read with no more of the spec than <see cref="Deployment"/> keeps.</summary>
    public static readonly JsonTypeInfo<V1Deployment> DeploymentEvents = SkippingJson.ItemInfo<V1Deployment>(new Dictionary<Type, Func<string, bool>>
    {
        [typeof(V1DeploymentSpec)] = property => property is "replicas" or "template",
        [typeof(V1PodTemplateSpec)] = property => property == "spec",
        [typeof(V1PodSpec)] = property => property == "containers",
        [typeof(V1Container)] = property => property is "name" or "image",
    });

    /// <summary>Watch events of Services, read without their managed fields (the cache drops them).</summary>
    public static readonly JsonTypeInfo<V1Service> ServiceEvents = SkippingJson.ItemInfo<V1Service>(new Dictionary<Type, Func<string, bool>>());

    public static V1ConfigMap ConfigMap(V1ConfigMap value)
    {
        value.Data = null;
        value.BinaryData = null;
        return value;
    }

    public static V1Job Job(V1Job value)
    {
        value.Spec = null;
        value.ExtensionData = null; // members the model does not declare: nothing a pass reads
        return value;
    }

    /// <summary>
    /// The Deployment as a pass reads it: metadata, spec.replicas (the autoscaler's number an update keeps), the first
    /// container's name and image (which image the workload runs), and of the status the counts, observedGeneration
    /// and the Progressing condition (<see cref="RolloutStatus"/>).
    /// </summary>
    public static V1Deployment Deployment(V1Deployment value)
    {
        value.ExtensionData = null; // members the model does not declare: nothing a pass reads
        var container = value.Spec?.Template?.Spec?.Containers?.FirstOrDefault();
        value.Spec = value.Spec is null ? null : new V1DeploymentSpec
        {
            Replicas = value.Spec.Replicas,
            Template = container is null ? null : new V1PodTemplateSpec
            {
                Spec = new V1PodSpec { Containers = [new V1Container { Name = container.Name, Image = container.Image }] },
            },
        };
        if (value.Status is { } status)
        {
            value.Status = new V1DeploymentStatus
            {
                ObservedGeneration = status.ObservedGeneration,
                Replicas = status.Replicas,
                UpdatedReplicas = status.UpdatedReplicas,
                ReadyReplicas = status.ReadyReplicas,
                AvailableReplicas = status.AvailableReplicas,
                Conditions = status.Conditions?.Where(c => c.Type == "Progressing").ToList() is { Count: > 0 } progressing ? progressing : null,
            };
        }

        return value;
    }

    /// <summary>sha256 of a child's desired spec as JSON (the form it is sent in).</summary>
    public static string SpecHash<TSpec>(TSpec? spec, JsonTypeInfo<TSpec> info)
        where TSpec : class =>
        spec is null ? SpecHash(null) : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(spec, info)));

    /// <summary>sha256 of a child's desired spec as a JSON node (a spec with a member the comparison ignores removed).</summary>
    public static string SpecHash(System.Text.Json.Nodes.JsonNode? spec) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(spec?.ToJsonString() ?? "null")));

    /// <summary><paramref name="value"/> with <see cref="DataHashAnnotation"/> set from its data.</summary>
    public static V1ConfigMap WithDataHash(V1ConfigMap value)
    {
        value.Metadata.Annotations ??= new Dictionary<string, string>();
        value.Metadata.Annotations[DataHashAnnotation] = DataHash(value.Data);
        return value;
    }

    public static string? DataHashOf(V1ConfigMap value) =>
        value.Metadata.Annotations?.TryGetValue(DataHashAnnotation, out var hash) == true ? hash : null;

    /// <summary>sha256 over each key and value in ordinal key order, each length-prefixed.</summary>
    public static string DataHash(IDictionary<string, string>? data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, value) in (data ?? new Dictionary<string, string>()).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            foreach (var text in new[] { key, value })
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                hash.AppendData(BitConverter.GetBytes(bytes.Length));
                hash.AppendData(bytes);
            }
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
