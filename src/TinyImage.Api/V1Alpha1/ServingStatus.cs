using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>
/// The workload that serves: the verified digest whose rollout completed, with what it was verified and deployed
/// with. Kept apart from `image` (the latest verified digest) while a newer one builds, verifies or rolls out.
/// </summary>
public sealed class ServingStatus
{
    /// <summary>
    /// The most text (UTF-8 bytes) spec.deploy.args and spec.deploy.env may hold together: the serving status keeps a copy
    /// of them, within the status's size budget, so a spec beyond it is refused (InvalidSpec).
    /// </summary>
    public const int MaxCopiedBytes = 16 * 1024;

    /// <summary>The text of <paramref name="args"/> and <paramref name="env"/> (names, values, key references) in UTF-8 bytes.</summary>
    public static long CopiedBytes(IEnumerable<string?>? args, IEnumerable<EnvVarSpec?>? env)
    {
        static long Bytes(string? text) => text is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(text);
        var total = (args ?? []).Sum(Bytes);
        foreach (var e in env ?? [])
        {
            total += Bytes(e?.Name) + Bytes(e?.Value)
                + Bytes(e?.ValueFrom?.SecretKeyRef?.Name) + Bytes(e?.ValueFrom?.SecretKeyRef?.Key)
                + Bytes(e?.ValueFrom?.ConfigMapKeyRef?.Name) + Bytes(e?.ValueFrom?.ConfigMapKeyRef?.Key);
        }

        return total;
    }

    /// <summary>The digest-pinned reference the Deployment runs, REPOSITORY@sha256:....</summary>
    [JsonPropertyName("reference")]
    public string? Reference { get; set; }

    /// <summary>The manifest digest.</summary>
    [JsonPropertyName("digest")]
    public string? Digest { get; set; }

    /// <summary>The spec hash the image was built from.</summary>
    [JsonPropertyName("specHash")]
    public string? SpecHash { get; set; }

    /// <summary>The binary verified in the image and run as the container's command (/bin/BINARY).</summary>
    [JsonPropertyName("binary")]
    public string? Binary { get; set; }

    /// <summary>The arguments the binary runs with.</summary>
    [JsonPropertyName("args")]
    [MaxLength(64)]
    public IList<string>? Args { get; set; }

    /// <summary>The environment variables of the container.</summary>
    [JsonPropertyName("env")]
    [MaxLength(128)]
    public IList<EnvVarStatus>? Env { get; set; }

    /// <summary>The port the service listens on inside the container.</summary>
    [JsonPropertyName("containerPort")]
    public int? ContainerPort { get; set; }
}
