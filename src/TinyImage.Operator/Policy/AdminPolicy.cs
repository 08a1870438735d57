namespace TinyImage.Operator.Policy;

/// <summary>
/// What the cluster admin lets a TinyImage ask for (operator flags <c>--allow-*</c>, chart values <c>policy.*</c>). A
/// TinyImage outside it stalls with <c>PolicyDenied</c>, each field and the policy entry named, and nothing is built or
/// deployed for it. The defaults allow only what the operator itself would choose: its own builder and Kaniko images,
/// ClusterIP Services, TLS-verified registries, build pods without a service account, node selector or tolerations.
/// </summary>
internal sealed record AdminPolicy
{
    /// <summary>The permissive policy of tests that do not exercise the policy (every image, type and registry).</summary>
    public static AdminPolicy AllowAll { get; } = new()
    {
        AllowedBuilderImages = ["*"],
        AllowedKanikoImages = ["*"],
        AllowedServiceTypes = ["ClusterIP", "NodePort", "LoadBalancer"],
        InsecureRegistries = ["*"],
        AllowBuildServiceAccount = true,
        AllowBuildNodeSelector = true,
        AllowBuildTolerations = true,
    };

    /// <summary>
    /// Builder images (<c>spec.build.builderImage</c>) a TinyImage may name besides the operator's own defaults
    /// (<c>--allow-builder-image</c>, chart <c>policy.allowedBuilderImages</c>): an exact reference, or a prefix ending in
    /// <c>*</c> (<c>registry.example.com/builders/*</c>); a lone <c>*</c> allows any. Empty: only the defaults.
    /// </summary>
    public IReadOnlyList<string> AllowedBuilderImages { get; init; } = [];

    /// <summary>Kaniko images (<c>spec.build.kanikoImage</c>) besides the operator's own, as <see cref="AllowedBuilderImages"/> (<c>--allow-kaniko-image</c>).</summary>
    public IReadOnlyList<string> AllowedKanikoImages { get; init; } = [];

    /// <summary>Service types a TinyImage may ask for (<c>--allow-service-type</c>, chart <c>policy.allowedServiceTypes</c>).</summary>
    public IReadOnlyList<string> AllowedServiceTypes { get; init; } = ["ClusterIP"];

    /// <summary>
    /// Registries a TinyImage may mark <c>output.insecure</c> (plain HTTP or unverified TLS for Kaniko and the verifier):
    /// <c>host[:port]</c> exactly, or <c>*.domain</c> for any host under it (<c>--allow-insecure-registry</c>, chart
    /// <c>policy.insecureRegistries</c>). Empty: a tenant's <c>insecure: true</c> is refused.
    /// </summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>
    /// Whether a build pod may run under a service account the TinyImage names (chart <c>policy.buildPods.serviceAccount</c>).
    /// The spec field belongs to issue 15; <see cref="PolicyEvaluator"/> has the check's hook.
    /// </summary>
    public bool AllowBuildServiceAccount { get; init; }

    /// <summary>Whether a TinyImage may give its build pod a node selector (issue 15's field; chart <c>policy.buildPods.nodeSelector</c>).</summary>
    public bool AllowBuildNodeSelector { get; init; }

    /// <summary>Whether a TinyImage may give its build pod tolerations (issue 15's field; chart <c>policy.buildPods.tolerations</c>).</summary>
    public bool AllowBuildTolerations { get; init; }
}
