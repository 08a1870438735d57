using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Building;

/// <summary>
/// The build after defaults: the images actually used, the target triple, the final base, the sorted features.
/// One place, so the Containerfile, the Kaniko Job and the build hash can never disagree.
/// </summary>
internal sealed record EffectiveBuild(
    string BuilderImage,
    string KanikoImage,
    string TargetTriple,
    string RuntimeBase,
    bool InstallMuslDev,
    bool InstallCargoAuditable,
    IReadOnlyList<string> Features)
{
    /// <summary>cargo-chef, pinned: its planner and cook stages build the dependencies in a layer of their own (docs.rs/crate/cargo-chef/0.1.78).</summary>
    public const string CargoChefVersion = "0.1.78";

    /// <summary>Kaniko's layer cache is on (the default, also when <c>build.cache</c> is absent).</summary>
    public bool Cache { get; init; } = true;

    /// <summary>git (and ssh) are installed with apk: git dependencies need credentials and the builder is Alpine.</summary>
    public bool InstallGit { get; init; }

    public const string MuslTriple = "x86_64-unknown-linux-musl";
    public const string GnuTriple = "x86_64-unknown-linux-gnu";
    public const string Scratch = "scratch";

    /// <summary>distroless static, nonroot, pinned by digest (iokaio/munarium-matrix <c>Dockerfile</c>; docs/default-images.md).</summary>
    public const string DistrolessStaticImage = "gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab";

    /// <summary>distroless cc (glibc), nonroot, pinned by digest (lphiri/kube-rbac-proxy-rust <c>Dockerfile</c>; docs/default-images.md).</summary>
    public const string DistrolessCcImage = "gcr.io/distroless/cc-debian12:nonroot@sha256:9dac0a79194e45a7da0158a9c6da57b217585af0786db3845d1f0ec1a0dd182f";

    /// <summary>Applies the defaults of <paramref name="options"/> to an already checked spec.</summary>
    public static EffectiveBuild From(TinyImageSpec spec, OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        var build = spec.Build;
        var gnu = build.Libc == BuildSpec.LibcGnu;
        var builder = build.BuilderImage ?? (gnu ? options.GnuBuilderImage : options.BuilderImage);
        var runtimeBase = build.Base switch
        {
            BuildSpec.BaseDistrolessStatic => DistrolessStaticImage,
            BuildSpec.BaseDistrolessCc => DistrolessCcImage,
            _ => Scratch,
        };
        var features = (build.Features ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return new EffectiveBuild(
            builder,
            build.KanikoImage ?? options.KanikoImage,
            gnu ? GnuTriple : MuslTriple,
            runtimeBase,
            InstallMuslDev: !gnu && IsAlpine(builder),
            InstallCargoAuditable: build.Auditable && !build.BuilderHasCargoAuditable,
            features)
        {
            Cache = build.Cache?.Enabled ?? true,
            InstallGit = IsAlpine(builder) && (build.Secrets?.GitHttpsSecret is not null || build.Secrets?.GitSshSecret is not null),
        };
    }

    /// <summary>An Alpine-based image by its name or tag (<c>rust:1-alpine</c>, <c>rust:1.83-alpine3.21</c>, <c>alpine</c>): needs musl-dev from apk to link.</summary>
    public static bool IsAlpine(string imageReference)
    {
        var withoutDigest = imageReference.Split('@')[0];
        var lastSegment = withoutDigest[(withoutDigest.LastIndexOf('/') + 1)..];
        return lastSegment.Contains("alpine", StringComparison.Ordinal);
    }
}
