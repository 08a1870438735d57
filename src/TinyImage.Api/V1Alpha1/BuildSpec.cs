using System.Text.Json.Serialization;

namespace TinyImage.Api.V1Alpha1;

/// <summary>How the image is built. Every phase of the recipe is an option; the defaults give the tiniest auditable build.</summary>
[CelRule("self.base != 'scratch' || self.staticLinking", "base 'scratch' needs staticLinking: a dynamically linked binary cannot run without a libc")]
[CelRule("self.base != 'distroless-static' || self.staticLinking", "base 'distroless-static' has no libc: it needs staticLinking")]
[CelRule("!self.builderHasCargoAuditable || has(self.builderImage)", "builderHasCargoAuditable only applies with a builderImage")]
public sealed class BuildSpec
{
    public const string BaseScratch = "scratch";
    public const string BaseDistrolessStatic = "distroless-static";
    public const string BaseDistrolessCc = "distroless-cc";
    public const string LibcMusl = "musl";
    public const string LibcGnu = "gnu";

    /// <summary>The final stage's base: `scratch` (nothing but the binary), `distroless-static` or `distroless-cc`.</summary>
    [JsonPropertyName("base")]
    [EnumValues(BaseScratch, BaseDistrolessStatic, BaseDistrolessCc)]
    [Default("\"scratch\"")]
    public string Base { get; set; } = BaseScratch;

    /// <summary>The C library target: `musl` (x86_64-unknown-linux-musl) or `gnu` (x86_64-unknown-linux-gnu).</summary>
    [JsonPropertyName("libc")]
    [EnumValues(LibcMusl, LibcGnu)]
    [Default("\"musl\"")]
    public string Libc { get; set; } = LibcMusl;

    /// <summary>Link the C runtime statically (`-C target-feature=+crt-static`), giving a fully static binary.</summary>
    [JsonPropertyName("staticLinking")]
    [Default("true")]
    public bool StaticLinking { get; set; } = true;

    /// <summary>Build with `cargo auditable build`, embedding the dependency list (.dep-v0) in the binary.</summary>
    [JsonPropertyName("auditable")]
    [Default("true")]
    public bool Auditable { get; set; } = true;

    /// <summary>The release profile, applied through CARGO_PROFILE_RELEASE_* variables so Cargo.toml stays untouched.</summary>
    [JsonPropertyName("profile")]
    [Default("{}")]
    public ReleaseProfile Profile { get; set; } = new();

    /// <summary>Cargo features to enable (`--features`).</summary>
    [JsonPropertyName("features")]
    [MaxLength(64)]
    [Pattern(Patterns.CargoFeature)]
    public IList<string>? Features { get; set; }

    /// <summary>Build without the default features (`--no-default-features`).</summary>
    [JsonPropertyName("noDefaultFeatures")]
    [Default("false")]
    public bool NoDefaultFeatures { get; set; }

    /// <summary>The builder stage's image. Defaults to the operator's builder image (rust:1-alpine). Another image must be allowed by the operator's admin policy (chart value `policy.allowedBuilderImages`), else the TinyImage stalls with `PolicyDenied`.</summary>
    [JsonPropertyName("builderImage")]
    [Pattern(Patterns.ImageReference)]
    [MaxLength(512)]
    public string? BuilderImage { get; set; }

    /// <summary>The builderImage already has cargo-auditable installed, so `cargo install cargo-auditable` is skipped.</summary>
    [JsonPropertyName("builderHasCargoAuditable")]
    [Default("false")]
    public bool BuilderHasCargoAuditable { get; set; }

    /// <summary>
    /// The cargo-auditable version installed in the builder stage (`cargo install cargo-auditable --locked --version`).
    /// Unset: the operator's pinned default. Part of the build hash.
    /// </summary>
    [JsonPropertyName("cargoAuditableVersion")]
    [Pattern(Patterns.CrateVersion)]
    [MaxLength(64)]
    public string? CargoAuditableVersion { get; set; }

    /// <summary>
    /// Rebuild once when a builder or Kaniko image named by tag only moves to a new digest (checked periodically, by
    /// default daily); status.build.reason then says NewToolchain.
    /// </summary>
    [JsonPropertyName("rebuildOnToolchainUpdate")]
    [Default("false")]
    public bool RebuildOnToolchainUpdate { get; set; }

    /// <summary>How many verified builds status.build.history keeps, newest first (rollback targets for deploy.pinDigest).</summary>
    [JsonPropertyName("historyLimit")]
    [Range(1, 20)]
    [Default("10")]
    public int HistoryLimit { get; set; } = 10;

    /// <summary>The Kaniko executor image for this TinyImage. Defaults to the operator's configured Kaniko image. Another image must be allowed by the operator's admin policy (chart value `policy.allowedKanikoImages`), else the TinyImage stalls with `PolicyDenied`.</summary>
    [JsonPropertyName("kanikoImage")]
    [Pattern(Patterns.ImageReference)]
    [MaxLength(512)]
    public string? KanikoImage { get; set; }

    /// <summary>Kaniko layer caching (on by default, in OUTPUT_REPOSITORY/cache).</summary>
    [JsonPropertyName("cache")]
    public CacheSpec? Cache { get; set; }

    /// <summary>Resources of the build container.</summary>
    [JsonPropertyName("resources")]
    public ResourceRequirementsSpec? Resources { get; set; }

    /// <summary>Variables of the build step (e.g. `SQLX_OFFLINE=true`), passed as Kaniko build arguments from its environment; never written into the Containerfile.</summary>
    [JsonPropertyName("env")]
    [MaxLength(64)]
    public IList<BuildEnvVar>? Env { get; set; }

    /// <summary>Secrets of the build step only: cargo registry tokens, git credentials (HTTPS or SSH) for git dependencies.</summary>
    [JsonPropertyName("secrets")]
    public BuildSecretsSpec? Secrets { get; set; }

    /// <summary>Node labels the build pod must run on. Only when the operator's administrator allows it (`--allow-build-node-selector`).</summary>
    [JsonPropertyName("nodeSelector")]
    public IDictionary<string, string>? NodeSelector { get; set; }

    /// <summary>Tolerations of the build pod. Only when the administrator allows it (`--allow-build-tolerations`).</summary>
    [JsonPropertyName("tolerations")]
    [MaxLength(32)]
    public IList<TolerationSpec>? Tolerations { get; set; }

    /// <summary>The build pod's service account (its token is still not mounted). Only when the administrator allows it (`--allow-build-service-account`).</summary>
    [JsonPropertyName("serviceAccountName")]
    [Pattern(Patterns.ObjectName)]
    [MaxLength(253)]
    public string? ServiceAccountName { get; set; }

    /// <summary>Seconds the build may run before it fails (the Job's activeDeadlineSeconds).</summary>
    [JsonPropertyName("timeoutSeconds")]
    [Range(60, 86400)]
    [Default("1800")]
    public long TimeoutSeconds { get; set; } = 1800;
}
