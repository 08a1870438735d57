using System.Security.Cryptography;
using System.Text;
using TinyImage.Oci;

namespace TinyImage.Operator.Verification;

/// <summary>
/// A bounded, least-recently-used map from (who asks, manifest digest, binary name, policy) to a verification result, so an
/// image verified under the same policy is not pulled again. Only results that depend on the immutable image content are
/// stored (never registry availability, authorization or digest mismatches, which a retry may change). Bounded twice: by
/// entries and by the bytes its results hold (a CycloneDX document may be close to 1 MiB). The key starts with the
/// <see cref="Scope"/> (registry and repository, the credential's identity, insecure), so one tenant's result never answers
/// another tenant's request for a digest: that one must pull it with its own credentials first.
/// </summary>
internal sealed class VerificationCache(int capacity, long maxBytes = VerificationCache.DefaultMaxBytes)
{
    /// <summary>16 MiB of results.</summary>
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, VerificationResult Result, long Bytes)>> map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, VerificationResult Result, long Bytes)> order = new();
    private long bytes;

    /// <summary>The bytes the cached results hold (estimated: strings at two bytes a character plus a fixed overhead).</summary>
    public long Bytes
    {
        get
        {
            lock (gate)
            {
                return bytes;
            }
        }
    }

    /// <summary>
    /// Who asks, as part of the key: the repository with its registry, a SHA-256 of the pull credentials (<c>anonymous</c>
    /// without), and whether the registry is reached insecurely. Two TinyImages share a result only when they would pull
    /// the image the same way.
    /// </summary>
    public static string Scope(string repository, byte[]? dockerConfigJson, bool insecure) =>
        repository + "|" + (dockerConfigJson is null ? "anonymous" : Convert.ToHexStringLower(SHA256.HashData(dockerConfigJson))) + "|" + (insecure ? "insecure" : "verified");

    /// <summary>What a result holds in memory, roughly: its strings and a fixed overhead per entry and per advisory finding.</summary>
    public static long SizeOf(string key, VerificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var chars = (long)key.Length + result.Reason.Length + result.Message.Length + (result.CycloneDxJson?.Length ?? 0)
            + (result.Sbom?.RootPackage.Length ?? 0);
        return 512 + (2 * chars) + (256L * (result.Advisories?.Findings.Count ?? 0));
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return map.Count;
            }
        }
    }

    /// <summary>The key: the digest, the binary name and a SHA-256 over the policy's fields in a fixed order.</summary>
    public static string Key(string digest, string binaryName, VerifyPolicy policy) => Key(digest, binaryName, policy, null, default);

    /// <summary>
    /// The key with the advisory part when the policy has one: the policy's fields, the database revision (null: none
    /// loaded) and the UTC day of <paramref name="now"/> (an ignore entry's expiry date changes the outcome at midnight).
    /// </summary>
    public static string Key(string digest, string binaryName, VerifyPolicy policy, string? advisoryRevision, DateTimeOffset now)
    {
        var canonical = new StringBuilder()
            .Append("requireSbom=").Append(policy.RequireSbom).Append('\n')
            .Append("deny=").AppendJoin(',', policy.DenyPackages.Order(StringComparer.Ordinal)).Append('\n')
            .Append("maxImageSizeBytes=").Append(policy.MaxImageSizeBytes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-").Append('\n')
            .Append("scratchOnly=").Append(policy.ScratchOnly).Append('\n')
            .Append("expectedRoot=").Append(policy.ExpectedRootPackage ?? "-").Append('\n')
            .Append("binary=").Append(binaryName);
        if (policy.Advisories is { } advisories)
        {
            canonical.Append("\nadvisories=").Append(advisories.Action).Append(',').Append(advisories.Informational).Append(',')
                .Append(advisories.MinSeverity?.ToString() ?? "-").Append(',')
                .AppendJoin(';', advisories.Ignore.Select(i => i.Id + "@" + (i.Until?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-")))
                .Append("\nrevision=").Append(advisoryRevision ?? "-")
                .Append("\nday=").Append(now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }

        var policyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
        return digest + "|" + policyHash;
    }

    public bool TryGet(string key, out VerificationResult result)
    {
        lock (gate)
        {
            if (map.TryGetValue(key, out var node))
            {
                order.Remove(node);
                order.AddFirst(node);
                result = node.Value.Result;
                return true;
            }
        }

        result = null!;
        return false;
    }

    public void Put(string key, VerificationResult result)
    {
        var size = SizeOf(key, result);
        if (capacity <= 0 || size > maxBytes)
        {
            return;
        }

        lock (gate)
        {
            if (map.TryGetValue(key, out var existing))
            {
                order.Remove(existing);
                bytes -= existing.Value.Bytes;
            }

            map[key] = order.AddFirst((key, result, size));
            bytes += size;
            while (map.Count > capacity || bytes > maxBytes)
            {
                var last = order.Last!;
                order.RemoveLast();
                map.Remove(last.Value.Key);
                bytes -= last.Value.Bytes;
            }
        }
    }
}
