namespace TinyImage.Api.V1Alpha1;

/// <summary>Condition types and reasons, in one place. SBOM reasons are in Verification.VerificationReasons.</summary>
public static class Conditions
{
    // kstatus
    public const string Ready = "Ready";
    public const string Reconciling = "Reconciling";
    public const string Stalled = "Stalled";

    // steps
    public const string Built = "Built";
    public const string SbomVerified = "SbomVerified";
    public const string Deployed = "Deployed";

    /// <summary>
    /// Whether a counted RustSec advisory affects the serving image (audited at verification and again whenever the
    /// advisory database changes, from the SBOM already read: no pull). Informational for kstatus and Argo CD: it never
    /// makes Ready False and never changes the workload.
    /// </summary>
    public const string Vulnerable = "Vulnerable";

    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";

    // reasons
    public const string ReasonPending = "Pending";
    public const string ReasonBuilding = "Building";
    public const string ReasonBuildSucceeded = "BuildSucceeded";

    /// <summary>A build waits for a slot: the cluster-wide or per-namespace cap on concurrent builds is reached.</summary>
    public const string ReasonBuildQueued = "BuildQueued";

    public const string ReasonBuildFailed = "BuildFailed";
    public const string ReasonBuildTimedOut = "BuildTimedOut";
    public const string ReasonInvalidDigest = "InvalidDigest";
    public const string ReasonInvalidSpec = "InvalidSpec";
    public const string ReasonSourceNotFound = "SourceNotFound";
    public const string ReasonSecretNotFound = "SecretNotFound";

    /// <summary>The git branch or tag could not be resolved to a commit (and no earlier resolution is known).</summary>
    public const string ReasonSourceUnresolved = "SourceUnresolved";
    public const string ReasonVerifying = "Verifying";

    /// <summary>The verification waits for a free slot of the operator's verification pool (<c>--verify-concurrency</c>).</summary>
    public const string ReasonVerificationQueued = "VerificationQueued";

    /// <summary>The verification runs: the operator reads the image from the registry.</summary>
    public const string ReasonVerificationRunning = "VerificationRunning";
    public const string ReasonDeploying = "Deploying";
    public const string ReasonAvailable = "Available";
    public const string ReasonUnavailable = "Unavailable";
    public const string ReasonReady = "Ready";
    public const string ReasonWaitingForVerification = "WaitingForVerification";

    /// <summary>Vulnerable True: counted advisories affect the serving image (the message names up to three).</summary>
    public const string ReasonAdvisoriesFound = "AdvisoriesFound";

    /// <summary>Vulnerable False: no counted advisory affects the serving image.</summary>
    public const string ReasonNoKnownAdvisories = "NoKnownAdvisories";

    /// <summary>Vulnerable Unknown: no advisory database is loaded, or no SBOM of the serving image is known.</summary>
    public const string ReasonNotAudited = "NotAudited";

    /// <summary>The Deployment's Progressing condition: the rollout exceeded spec.progressDeadlineSeconds.</summary>
    public const string ReasonProgressDeadlineExceeded = "ProgressDeadlineExceeded";

    /// <summary>The spec asks for something the operator's admin policy does not allow (a builder or Kaniko image, a Service type, an insecure registry, a build-pod service account, node selector or tolerations, a route hostname): each field and the policy named; nothing is built.</summary>
    public const string ReasonPolicyDenied = "PolicyDenied";

    /// <summary>The generated Containerfile is larger than the build Job's annotation may hold (64 KiB): no build starts.</summary>
    public const string ReasonContainerfileTooLarge = "ContainerfileTooLarge";

    /// <summary>A child's name is taken by an object this TinyImage does not control: nothing is written to it.</summary>
    public const string ReasonChildConflict = "ChildConflict";

    /// <summary>The Job controller cannot create the build pod for now (a ResourceQuota): it retries.</summary>
    public const string ReasonBuildPodQuotaExceeded = "BuildPodQuotaExceeded";

    /// <summary>The Job controller could not create the build pod, for a reason it will retry.</summary>
    public const string ReasonBuildPodCreateFailed = "BuildPodCreateFailed";

    /// <summary>The build pod cannot be scheduled (PodScheduled=False, Unschedulable).</summary>
    public const string ReasonBuildPodUnschedulable = "BuildPodUnschedulable";

    /// <summary>A build pod's image (Kaniko's, or the builder's for an init container) cannot be pulled.</summary>
    public const string ReasonBuildImagePullFailed = "BuildImagePullFailed";

    /// <summary>The Kaniko container was killed for exceeding its memory limit.</summary>
    public const string ReasonBuildOOMKilled = "BuildOOMKilled";

    /// <summary>The build pod was evicted by its node (pod status.reason Evicted).</summary>
    public const string ReasonBuildEvicted = "BuildEvicted";

    /// <summary>A toolchain image named by tag could not be resolved to a digest: no unpinned build starts.</summary>
    public const string ReasonToolchainUnresolved = "ToolchainUnresolved";

    /// <summary>spec.deploy.pinDigest names a digest that is not in status.build.history.</summary>
    public const string ReasonPinDigestNotInHistory = "PinDigestNotInHistory";

    /// <summary>The workload runs spec.deploy.pinDigest, a person's pin, whatever newer builds' verification says.</summary>
    public const string ReasonPinnedDigest = "PinnedDigest";
}
