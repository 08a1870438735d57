using System.Security.Cryptography;
using System.Text;
using TinyImage.Oci;

namespace TinyImage.Operator.Verification;

/// <summary>
/// A bounded, least-recently-used map from (manifest digest, binary name, policy) to a verification result, so an image
/// verified under the same policy is not pulled again. Only results that depend on the immutable image content are stored
/// (never registry availability, authorization or digest mismatches, which a retry may change).
/// </summary>
internal sealed class VerificationCache(int capacity)
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, VerificationResult Result)>> map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, VerificationResult Result)> order = new();

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
        if (capacity <= 0)
        {
            return;
        }

        lock (gate)
        {
            if (map.TryGetValue(key, out var existing))
            {
                order.Remove(existing);
            }

            map[key] = order.AddFirst((key, result));
            while (map.Count > capacity)
            {
                var last = order.Last!;
                order.RemoveLast();
                map.Remove(last.Value.Key);
            }
        }
    }
}
