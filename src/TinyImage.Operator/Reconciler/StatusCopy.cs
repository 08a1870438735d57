using k8s.Models;
using TinyImage.Api.V1Alpha1;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// A deep copy of a TinyImage's status, member by member: the draft a pass changes is never the cached object's. Before
/// issue 17's eighth round the copy went through JSON (serialize, then deserialize: 3.8 % of the operator's CPU at 1,000
/// TinyImages). Every class in the status is copied, never shared; strings and values are immutable and are. A member added
/// to a status type and not copied here fails <c>StatusCopyTests</c> (it fills every member by reflection).
/// </summary>
internal static class StatusCopy
{
    public static TinyImageStatus Of(TinyImageStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new TinyImageStatus
        {
            ObservedGeneration = status.ObservedGeneration,
            Phase = status.Phase,
            Conditions = List(status.Conditions, Of),
            Source = status.Source is { } source ? Of(source) : null,
            Build = status.Build is { } build ? Of(build) : null,
            Image = status.Image is { } image ? Of(image) : null,
            Serving = status.Serving is { } serving ? Of(serving) : null,
            Sbom = status.Sbom is { } sbom ? Of(sbom) : null,
            Verification = status.Verification is { } verification ? Of(verification) : null,
            LastHandledRetry = status.LastHandledRetry,
            Deployment = status.Deployment is { } deployment ? Of(deployment) : null,
        };
    }

    private static V1Condition Of(V1Condition condition) => new()
    {
        LastTransitionTime = condition.LastTransitionTime,
        Message = condition.Message,
        ObservedGeneration = condition.ObservedGeneration,
        Reason = condition.Reason,
        Status = condition.Status,
        Type = condition.Type,
    };

    private static SourceStatus Of(SourceStatus source) => new()
    {
        Commit = source.Commit,
        Ref = source.Ref,
        Message = source.Message,
        LastHandledPush = source.LastHandledPush,
    };

    private static BuildStatus Of(BuildStatus build) => new()
    {
        JobName = build.JobName,
        SpecHash = build.SpecHash,
        Digest = build.Digest,
        StartTime = build.StartTime,
        CompletionTime = build.CompletionTime,
        FailureReason = build.FailureReason,
        FailureMessage = build.FailureMessage,
        Retry = build.Retry,
        Commit = build.Commit,
        QueuedTime = build.QueuedTime,
        LogTail = build.LogTail,
        Reason = build.Reason,
        Toolchain = List(build.Toolchain, Of),
        Inputs = build.Inputs,
        ToolchainCheckedTime = build.ToolchainCheckedTime,
        History = List(build.History, Of),
    };

    private static ToolchainImage Of(ToolchainImage image) => new()
    {
        Role = image.Role,
        Image = image.Image,
        Digest = image.Digest,
    };

    private static BuildRecord Of(BuildRecord record) => new()
    {
        Digest = record.Digest,
        SpecHash = record.SpecHash,
        Reason = record.Reason,
        Commit = record.Commit,
        Binary = record.Binary,
        SizeBytes = record.SizeBytes,
        PackageCount = record.PackageCount,
        Toolchain = record.Toolchain,
        CompletionTime = record.CompletionTime,
        VerifiedTime = record.VerifiedTime,
    };

    private static ImageStatus Of(ImageStatus image) => new()
    {
        Reference = image.Reference,
        Digest = image.Digest,
        SizeBytes = image.SizeBytes,
        LayerCount = image.LayerCount,
        Binary = image.Binary,
        SpecHash = image.SpecHash,
    };

    private static ServingStatus Of(ServingStatus serving) => new()
    {
        Reference = serving.Reference,
        Digest = serving.Digest,
        SpecHash = serving.SpecHash,
        Binary = serving.Binary,
        Args = serving.Args is null ? null : [.. serving.Args],
        Env = List(serving.Env, Of),
        ContainerPort = serving.ContainerPort,
    };

    private static EnvVarStatus Of(EnvVarStatus env) => new()
    {
        Name = env.Name,
        Value = env.Value,
        SecretKeyRef = env.SecretKeyRef is { } secret ? Of(secret) : null,
        ConfigMapKeyRef = env.ConfigMapKeyRef is { } configMap ? Of(configMap) : null,
    };

    private static KeyReference Of(KeyReference reference) => new()
    {
        Name = reference.Name,
        Key = reference.Key,
    };

    private static SbomStatus Of(SbomStatus sbom) => new()
    {
        PackageCount = sbom.PackageCount,
        RootPackage = sbom.RootPackage,
        Format = sbom.Format,
        ConfigMapName = sbom.ConfigMapName,
        Advisories = sbom.Advisories is { } advisories ? Of(advisories) : null,
    };

    private static AdvisorySummary Of(AdvisorySummary advisories) => new()
    {
        Critical = advisories.Critical,
        High = advisories.High,
        Medium = advisories.Medium,
        Low = advisories.Low,
        Unknown = advisories.Unknown,
        NotCounted = advisories.NotCounted,
        DatabaseRevision = advisories.DatabaseRevision,
    };

    private static VerificationStatus Of(VerificationStatus verification) => new()
    {
        Digest = verification.Digest,
        PolicyHash = verification.PolicyHash,
        Passed = verification.Passed,
        Reason = verification.Reason,
        Message = verification.Message,
        Retry = verification.Retry,
    };

    private static DeploymentStatus Of(DeploymentStatus deployment) => new()
    {
        Name = deployment.Name,
        ReadyReplicas = deployment.ReadyReplicas,
    };

    /// <summary>A new list of copies (a <see cref="List{T}"/>, as the JSON reader makes one), or null for null.</summary>
    private static List<T>? List<T>(IList<T>? items, Func<T, T> copy)
    {
        if (items is null)
        {
            return null;
        }

        var copied = new List<T>(items.Count);
        foreach (var item in items)
        {
            copied.Add(item is null ? item : copy(item));
        }

        return copied;
    }
}
