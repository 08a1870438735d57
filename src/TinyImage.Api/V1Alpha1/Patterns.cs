namespace TinyImage.Api.V1Alpha1;

/// <summary>
/// The strict patterns for every spec string that reaches a Containerfile, a command line or a label.
/// Used by the CRD schema and again by the spec validator; tests try injection through each.
/// </summary>
public static class Patterns
{
    /// <summary>A cargo binary target name; becomes <c>/bin/NAME</c> and the exec-form CMD.</summary>
    public const string BinaryName = "^[A-Za-z][A-Za-z0-9_-]{0,63}$";

    /// <summary>A cargo feature, optionally <c>dependency/feature</c>.</summary>
    /// <summary>A semver version <c>MAJOR.MINOR.PATCH</c> as cargo install --version takes it (no ranges).</summary>
    public const string CrateVersion = "^(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5})\\.(0|[1-9][0-9]{0,5})$";

    /// <summary>A sha256 digest.</summary>
    public const string Sha256Digest = "^sha256:[a-f0-9]{64}$";

    public const string CargoFeature = "^[A-Za-z0-9_][A-Za-z0-9_+.-]{0,63}(/[A-Za-z0-9_][A-Za-z0-9_+.-]{0,63})?$";

    /// <summary>A RustSec advisory id (for <c>verify.advisories.ignore</c>).</summary>
    public const string AdvisoryId = "^RUSTSEC-[0-9]{4}-[0-9]{4}$";

    /// <summary>A calendar date, <c>YYYY-MM-DD</c> (the validator also checks that the day exists).</summary>
    public const string Date = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

    /// <summary>A crate name (for <c>denyPackages</c>).</summary>
    public const string CrateName = "^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$";

    private const string DomainComponent = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
    private const string PathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private const string RepositoryBody =
        "(?:" + DomainComponent + "(?:\\." + DomainComponent + ")*(?::[0-9]{1,5})?/)?" + PathComponent + "(?:/" + PathComponent + ")*";

    /// <summary>An image repository without tag or digest (the distribution reference grammar), e.g. <c>registry.example:5000/team/app</c>.</summary>
    public const string ImageRepository = "^" + RepositoryBody + "$";

    /// <summary>An image tag.</summary>
    public const string ImageTag = "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$";

    /// <summary>A full image reference: repository, optional tag, optional sha256 digest.</summary>
    public const string ImageReference = "^" + RepositoryBody + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$";

    /// <summary>An HTTPS git URL without user info; credentials come from a Secret.</summary>
    public const string GitUrl = "^https://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~+-]+)+/?$";

    /// <summary>A branch or tag name (no <c>..</c>, no leading dash, checked by CEL and code too).</summary>
    public const string GitRefName = "^[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}$";

    /// <summary>A full commit id.</summary>
    public const string GitCommit = "^[0-9a-f]{40}$";

    /// <summary>A relative path inside the source (no <c>..</c> segment: also checked by CEL and code).</summary>
    public const string SubPath = "^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$";

    /// <summary>A Kubernetes object name (DNS-1123 subdomain) for Secret and ConfigMap references.</summary>
    public const string ObjectName = "^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>An environment variable name.</summary>
    public const string EnvName = "^[A-Za-z_][A-Za-z0-9_]*$";

    /// <summary>A path of a file in a ConfigMap source, as a ConfigMap key (slashes encoded as <c>__</c>, see ConfigMapSource).</summary>
    public const string ConfigMapKey = "^[-._a-zA-Z0-9]+$";

    /// <summary>A cargo registry name (Cargo.toml <c>registry = "NAME"</c>); becomes part of <c>CARGO_REGISTRIES_NAME_*</c>.</summary>
    public const string CargoRegistryName = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";

    /// <summary>A qualified name (label key, taint key): optional DNS prefix and a slash, then a name.</summary>
    public const string QualifiedName = "^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

    /// <summary>A label value (may be empty).</summary>
    public const string LabelValue = "^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$";

    /// <summary>A DNS-1123 label (namespace, listener name).</summary>
    public const string DnsLabel = "^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$";

    /// <summary>A fully qualified lowercase host name with at least two labels, no wildcard, no trailing dot.</summary>
    public const string Hostname = "^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)+$";

    /// <summary>An HTTP path prefix: <c>/</c>, or <c>/</c>-separated non-empty segments of unreserved characters, none starting with a dot (no <c>//</c>, <c>/./</c>, <c>/../</c>, no percent-encoding).</summary>
    public const string HttpPathPrefix = "^/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?)?$";
}
