using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// What the informer caches keep of the children, and no more (issue 17): a ConfigMap's metadata without its data (the
/// Containerfile is compared by the hash annotation written with it, the SBOM by its policy annotation), a Job without
/// its pod template (a pass reads its metadata and status only). Every child update replaces what it strips, so a
/// stripped copy is never written back.
/// </summary>
internal static class CachedForm
{
    /// <summary>The SHA-256 of a ConfigMap's data as the operator wrote it.</summary>
    public const string DataHashAnnotation = "tinyimage.dev/data-sha256";

    public static V1ConfigMap ConfigMap(V1ConfigMap value)
    {
        value.Data = null;
        value.BinaryData = null;
        return value;
    }

    public static V1Job Job(V1Job value)
    {
        if (value.Spec is { } spec)
        {
            spec.Template = null;
        }

        return value;
    }

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
