using k8s.Models;
using TinyImage.Oci;
using TinyImage.Operator.Policy;

namespace TinyImage.Operator.Configuration;

/// <summary>
/// The operator's settings, from command-line flags and environment (see Program). Builders take the parts they need,
/// so they stay pure functions of (spec, options).
/// </summary>
internal sealed record OperatorOptions
{
    /// <summary>
    /// Kaniko's original project was archived in June 2025; the default is the community fork that continues its releases,
    /// v1.28.5 (the newest release public manifests pin), by digest. Only the <c>-debug</c> variant's digest can be cited
    /// (zystem/CiNim <c>tools/image/kaniko-build.sh</c>); the Job runs <c>/kaniko/executor</c> with args, so its busybox is
    /// unused. Sources and how to update: docs/default-images.md.
    /// </summary>
    public const string DefaultKanikoImage = "ghcr.io/osscontainertools/kaniko:v1.28.5-debug@sha256:d6d74217dc077acfd3094992e917c357080a2d3fdd1042a49e34e29a7e57c572";

    /// <summary>The recipe's builder: Rust on Alpine (musl), pinned by digest (iokaio/munarium-matrix <c>Dockerfile</c>; docs/default-images.md).</summary>
    public const string DefaultBuilderImage = "rust:1-alpine@sha256:a10e64dd139b7387337c7fbe8aca31b959b57b2fd4c8ae20a02cf1d6ea424dce";

    /// <summary>The builder for <c>libc: gnu</c>: Rust on Debian bookworm, matching distroless's debian12 glibc, pinned by
    /// digest (BinChicken-AppSec/bc-sast <c>Dockerfile</c>; docs/default-images.md).</summary>
    public const string DefaultGnuBuilderImage = "rust:1-slim-bookworm@sha256:1469a27c125cb5a3aebfa4f4e4665d935b02fb72cc093b2c974b3d740e43f157";

    /// <summary>The cargo-auditable release installed when a TinyImage names none (crates.io, 2026-10-02).</summary>
    public const string DefaultCargoAuditableVersion = "0.7.7";

    /// <summary>The numeric non-root user of the final image and the deployed pods (distroless's `nonroot`).</summary>
    public const long DefaultRunAsUser = 65532;

    /// <summary>The Kaniko executor image (operator flag <c>--kaniko-image</c>; a TinyImage may override it).</summary>
    public string KanikoImage { get; init; } = DefaultKanikoImage;

    /// <summary>The default builder image for the Containerfile's build stage (operator flag <c>--builder-image</c>).</summary>
    public string BuilderImage { get; init; } = DefaultBuilderImage;

    /// <summary>The default builder image when a TinyImage asks for <c>libc: gnu</c> (operator flag <c>--gnu-builder-image</c>).</summary>
    public string GnuBuilderImage { get; init; } = DefaultGnuBuilderImage;

    /// <summary>The image of the init container that copies a ConfigMap source into the build context (needs <c>cp</c>); defaults to the builder image.</summary>
    public string? SourceInitImage { get; init; }

    /// <summary>
    /// The cargo-auditable version installed when spec.build.cargoAuditableVersion is unset (flag
    /// <c>--cargo-auditable-version</c>; chart <c>builds.cargoAuditableVersion</c>).
    /// </summary>
    public string CargoAuditableVersion { get; init; } = DefaultCargoAuditableVersion;

    /// <summary>
    /// How often toolchain tags are resolved again for TinyImages with spec.build.rebuildOnToolchainUpdate (flag
    /// <c>--toolchain-check-interval</c>; chart <c>builds.toolchainCheckInterval</c>).
    /// </summary>
    public TimeSpan ToolchainCheckInterval { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Namespaces to watch; empty means cluster-wide.</summary>
    public IReadOnlyList<string> WatchNamespaces { get; init; } = [];

    /// <summary>The namespace the operator runs in (leases live there).</summary>
    public string OperatorNamespace { get; init; } = "tinyimage-system";

    /// <summary>Use a Lease to elect one active replica.</summary>
    public bool LeaderElection { get; init; } = true;

    /// <summary>The Lease name.</summary>
    public string LeaseName { get; init; } = "tinyimage-operator-leader";

    /// <summary>How long a lease is valid without renewal.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the leader renews.</summary>
    public TimeSpan RenewInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Concurrent reconciles (distinct keys).</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>
    /// Verifications run at once (flag <c>--verify-concurrency</c>), beside the reconcile workers, round-robin across
    /// namespaces; one namespace never takes every slot.
    /// </summary>
    public int VerifyConcurrency { get; init; } = 2;

    /// <summary>How long one verification may read its image, every body included (flag <c>--verify-timeout</c>).</summary>
    public TimeSpan VerifyTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Build Jobs running at once across every watched namespace (flag <c>--max-concurrent-builds</c>; chart
    /// <c>builds.maxConcurrent</c>); 0: unlimited. A TinyImage that wants a build beyond it waits (<c>BuildQueued</c>).
    /// </summary>
    public int MaxConcurrentBuilds { get; init; } = 8;

    /// <summary>
    /// Build Jobs running at once in one namespace (flag <c>--max-concurrent-builds-per-namespace</c>; chart
    /// <c>builds.maxConcurrentPerNamespace</c>), so one namespace never takes the whole cluster-wide cap; 0: unlimited.
    /// </summary>
    public int MaxConcurrentBuildsPerNamespace { get; init; } = 4;

    /// <summary>Every cached object is re-queued this often (level-triggered safety net).</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Finished build Jobs are deleted this long after they finish (Job ttlSecondsAfterFinished).</summary>
    public int BuildJobTtlSeconds { get; init; } = 3600;

    /// <summary>Finished build Jobs kept per TinyImage beyond the current one.</summary>
    public int BuildHistoryLimit { get; init; } = 3;

    /// <summary>Build Job retries (backoffLimit).</summary>
    public int BuildBackoffLimit { get; init; } = 1;

    /// <summary>The numeric user of the final image and pods.</summary>
    public long RunAsUser { get; init; } = DefaultRunAsUser;

    /// <summary>
    /// The scratch directory for verification's temporary files (operator flag <c>--temp-dir</c>); null means <c>$TMPDIR</c>,
    /// else <c>/tmp</c>. The root filesystem of the operator's pod is read-only: the chart mounts an <c>emptyDir</c> here.
    /// </summary>
    public string? TempDirectory { get; init; }

    /// <summary>
    /// Where verification may connect (operator flags <c>--registry-allow</c> and <c>--deny-cidr</c>; chart values
    /// <c>registry.allow</c> and <c>registry.denyCidrs</c>): loopback, link-local and metadata addresses and the denied
    /// cluster ranges are refused unless a host or CIDR is allowed.
    /// </summary>
    public OutboundPolicy RegistryOutbound { get; init; } = OutboundPolicy.Default;

    /// <summary>What a TinyImage may ask for (flags <c>--allow-*</c>; chart values <c>policy.*</c>; README "Security model").</summary>
    public AdminPolicy Policy { get; init; } = new();

    /// <summary>The RuntimeClass of build pods, e.g. <c>gvisor</c> (flag <c>--build-runtime-class</c>); null: the node's default runtime.</summary>
    public string? BuildRuntimeClassName { get; init; }

    /// <summary>Requests and limits of the Kaniko container when a TinyImage sets none (flags <c>--build-requests</c>, <c>--build-limits</c>).</summary>
    public BuildPodResources BuildResources { get; init; } = BuildPodResources.Default;

    /// <summary>
    /// Whether the operator writes a NetworkPolicy <c>NAME-build</c> for each TinyImage's build pods before the first
    /// build (flag <c>--build-network-policy</c>; chart <c>buildPods.networkPolicy.enabled</c>).
    /// </summary>
    public bool BuildNetworkPolicy { get; init; } = true;

    /// <summary>The egress rules of that NetworkPolicy (flag <c>--build-egress</c>, JSON; chart <c>buildPods.networkPolicy.egress</c>).</summary>
    public IReadOnlyList<V1NetworkPolicyEgressRule> BuildEgress { get; init; } = Building.BuildNetworkPolicyBuilder.DefaultEgress;

    /// <summary>Port of /metrics, /healthz and /readyz.</summary>
    public int MetricsPort { get; init; } = 8080;

    /// <summary>Port of the git push webhook receiver (<c>--webhook-port</c>, chart value <c>webhook.enabled</c>); null: no receiver.</summary>
    public int? WebhookPort { get; init; }

    // --- Advisories (issue 13) ---

    /// <summary>
    /// Where the RustSec advisory database comes from (operator flag <c>--advisory-db</c>): a directory holding
    /// <c>crates/</c>, <c>rust/</c> mounted into the pod, or an <c>https://</c> URL of the repository's tar.gz; loaded in the
    /// background and refreshed every <see cref="AdvisoryDatabaseRefresh"/>. Null: no database, so <c>verify.advisories</c>
    /// with Deny waits (<c>AdvisoryDatabaseUnavailable</c>) and with Warn verifies without auditing.
    /// </summary>
    public string? AdvisoryDatabaseDirectory { get; init; }

    /// <summary>How often the advisory database is refreshed (flag <c>--advisory-db-refresh</c>); zero loads it once.</summary>
    public TimeSpan AdvisoryDatabaseRefresh { get; init; } = TimeSpan.FromHours(1);

    // --- Issue 15: what the administrator allows (to be folded into the admin policy of issue 16) ---

    /// <summary>
    /// The hostnames a <c>deploy.route</c> may use (operator flag <c>--route-hostnames</c>, chart value <c>routes.hostnames</c>):
    /// exact names, or <c>*.DOMAIN</c> for any name below DOMAIN. Empty (the default): no route is allowed.
    /// </summary>
    public IReadOnlyList<string> RouteHostnames { get; init; } = [];
}
