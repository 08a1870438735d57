using System.Collections.Concurrent;
using k8s.Models;
using TinyImage.Advisories;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Verification;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Audits what runs without pulling it again: the serving image's package list (kept in <see cref="PackageListStore"/>
/// when it was verified, or read back from the SBOM ConfigMap the operator wrote) against the current advisory database,
/// under the TinyImage's <c>verify.advisories</c> policy, with the same auditor as verification. Each TinyImage's last
/// outcome is remembered per (digest, database revision, policy, UTC day), so a pass audits only when one of those
/// changed. <see cref="ReauditAll"/> is the one pass over every TinyImage when the database changes; it returns the
/// TinyImages whose status no longer says what their audit says, for the controller to enqueue.
/// </summary>
internal sealed class AdvisoryReaudit(AdvisoryDatabaseHolder? holder, PackageListStore? store = null)
{
    private readonly ConcurrentDictionary<ObjectKey, Memo> memos = new();

    /// <summary>The database followed, or null when the operator has none configured.</summary>
    public AdvisoryDatabaseHolder? Holder { get; } = holder;

    /// <summary>The kept package lists.</summary>
    public PackageListStore Store { get; } = store ?? new PackageListStore();

    /// <summary>TinyImages with a remembered outcome.</summary>
    public int Remembered => memos.Count;

    /// <summary>The digest the audit speaks of: the one serving, else the verified one being rolled out.</summary>
    public static string? AuditedDigest(TinyImageStatus? status) => status?.Serving?.Digest ?? status?.Image?.Digest;

    /// <summary>
    /// The outcome for one TinyImage, or null when it has no <c>verify.advisories</c> policy or no verified image (then
    /// it carries no Vulnerable condition). <paramref name="status"/> is the status being drafted.
    /// </summary>
    public VulnerabilityOutcome? Evaluate(TinyImageResource tinyImage, TinyImageStatus? status, V1ConfigMap? sbomConfigMap, AdvisoryDatabase? database, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        var key = ObjectKey.Of(tinyImage);
        if (tinyImage.Spec?.Verify?.Advisories is not { } spec || AuditedDigest(status) is not { } digest)
        {
            memos.TryRemove(key, out _);
            return null;
        }

        if (database is null)
        {
            return VulnerabilityOutcome.NotAudited(digest, "No advisory database is loaded (see the operator's --advisory-db and /readyz); the serving image was not audited.");
        }

        var policy = ApiJson.Serialize(spec);
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        if (memos.TryGetValue(key, out var memo) && memo.Digest == digest && memo.Revision == database.Revision && memo.Policy == policy && memo.Day == day)
        {
            return memo.Outcome;
        }

        if (PackagesOf(tinyImage, digest, sbomConfigMap) is not { } packages)
        {
            return VulnerabilityOutcome.NotAudited(digest, "No SBOM of the serving image " + digest + " is known (the image carries none, or its SBOM ConfigMap is gone); it was not audited.");
        }

        var report = AdvisoryAuditor.Audit(database, packages.Packages, VerifyReconciler.AdvisoryPolicyOf(spec), now);
        var outcome = VulnerabilityOutcome.Of(digest, report);
        memos[key] = new Memo(digest, database.Revision, policy, day, outcome);
        return outcome;
    }

    /// <summary>Forgets a TinyImage that is gone.</summary>
    public void Forget(ObjectKey key) => memos.TryRemove(key, out _);

    /// <summary>
    /// Re-audits every TinyImage of <paramref name="tinyImages"/> against <paramref name="database"/> (the SBOM ConfigMaps
    /// found by <paramref name="sbomConfigMap"/> after a restart) and returns those whose status differs from the new
    /// outcome. Drops kept lists of digests no TinyImage refers to any more.
    /// </summary>
    public IReadOnlyList<ObjectKey> ReauditAll(IReadOnlyList<TinyImageResource> tinyImages, Func<string?, string, V1ConfigMap?> sbomConfigMap, AdvisoryDatabase database, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tinyImages);
        ArgumentNullException.ThrowIfNull(sbomConfigMap);
        ArgumentNullException.ThrowIfNull(database);
        var changed = new List<ObjectKey>();
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tinyImage in tinyImages)
        {
            if (tinyImage.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            AddDigests(tinyImage.Status, referenced);
            var outcome = Evaluate(tinyImage, tinyImage.Status, sbomConfigMap(tinyImage.Metadata.NamespaceProperty, VerifyReconciler.SbomConfigMapName(tinyImage.Metadata.Name)), database, now);
            if (outcome is not null && !outcome.IsShownIn(tinyImage.Status))
            {
                changed.Add(ObjectKey.Of(tinyImage));
            }
        }

        Store.Retain(referenced);
        return changed;
    }

    /// <summary>The kept list of <paramref name="digest"/>, or the one read from this TinyImage's SBOM ConfigMap when it holds that digest.</summary>
    private PackageList? PackagesOf(TinyImageResource tinyImage, string digest, V1ConfigMap? sbomConfigMap)
    {
        if (Store.Get(digest) is { } kept)
        {
            return kept;
        }

        if (sbomConfigMap is null || !ChildWriter.IsControlledBy(sbomConfigMap, tinyImage.Metadata.Uid)
            || sbomConfigMap.Metadata.Annotations?.TryGetValue(VerifyReconciler.VerifiedDigestAnnotation, out var verified) != true || verified != digest
            || sbomConfigMap.Data?.TryGetValue(VerifyReconciler.SbomKey, out var bom) != true || bom is null)
        {
            return null;
        }

        return Store.Remember(digest, bom);
    }

    private static void AddDigests(TinyImageStatus? status, HashSet<string> digests)
    {
        if (status?.Serving?.Digest is { } serving)
        {
            digests.Add(serving);
        }

        if (status?.Image?.Digest is { } image)
        {
            digests.Add(image);
        }
    }

    private sealed record Memo(string Digest, string Revision, string Policy, DateOnly Day, VulnerabilityOutcome Outcome);
}
