using TinyImage.Api;
using TinyImage.Oci;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Policy;

/// <summary>
/// Checks a validated TinyImage against the admin's <see cref="AdminPolicy"/>: a pure function of (spec, options), run
/// by the inputs step before any Secret is read or any child written. Each denial names the field, what it asked for and
/// the policy entry that would allow it.
/// </summary>
internal static class PolicyEvaluator
{
    private const string OnlyDefaults = "only the operator's defaults";

    /// <summary>Every field of <paramref name="tinyImage"/> the policy does not allow (empty: allowed).</summary>
    public static IReadOnlyList<FieldError> Evaluate(ValidTinyImage tinyImage, OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        ArgumentNullException.ThrowIfNull(options);
        var policy = options.Policy;
        var spec = tinyImage.Spec;
        var denied = new List<FieldError>();

        if (spec.Build.BuilderImage is { } builder
            && builder != options.BuilderImage && builder != options.GnuBuilderImage
            && !ImageAllowed(builder, policy.AllowedBuilderImages))
        {
            denied.Add(Denied("spec.build.builderImage", builder, "policy.allowedBuilderImages", policy.AllowedBuilderImages, OnlyDefaults));
        }

        if (spec.Build.KanikoImage is { } kaniko && kaniko != options.KanikoImage && !ImageAllowed(kaniko, policy.AllowedKanikoImages))
        {
            denied.Add(Denied("spec.build.kanikoImage", kaniko, "policy.allowedKanikoImages", policy.AllowedKanikoImages, OnlyDefaults));
        }

        var serviceType = spec.Deploy.Service.Type;
        if (!policy.AllowedServiceTypes.Contains(serviceType, StringComparer.Ordinal))
        {
            denied.Add(Denied("spec.deploy.service.type", serviceType, "policy.allowedServiceTypes", policy.AllowedServiceTypes, "none"));
        }

        if (spec.Output.Insecure)
        {
            var registry = RegistryOf(spec.Output.Repository);
            if (!RegistryAllowed(registry, policy.InsecureRegistries))
            {
                denied.Add(Denied("spec.output.insecure", "true for registry " + registry, "policy.insecureRegistries", policy.InsecureRegistries, "none"));
            }
        }

        // Build-pod serviceAccountName, nodeSelector and tolerations are checked against AllowBuildServiceAccount,
        // AllowBuildNodeSelector and AllowBuildTolerations by Reconciler/AdminAllowance (reason NotAllowed), with routes.
        return denied;
    }

    /// <summary>The sentence of a denial whose policy is a yes/no switch (issue 15's build-pod fields use it).</summary>
    public static FieldError NotAllowed(string field, string policyName) =>
        new(field, "not allowed by the operator's policy (" + policyName + " is false)");

    /// <summary>Whether <paramref name="image"/> matches an entry: exact, a prefix ending in <c>*</c>, or <c>*</c>.</summary>
    public static bool ImageAllowed(string image, IReadOnlyList<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(patterns);
        foreach (var pattern in patterns)
        {
            if (pattern.EndsWith('*')
                ? image.StartsWith(pattern[..^1], StringComparison.Ordinal)
                : string.Equals(image, pattern, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="registry"/> (<c>host[:port]</c>) matches an entry: exact (case-insensitive), <c>*.domain</c> for hosts under it, or <c>*</c>.</summary>
    public static bool RegistryAllowed(string registry, IReadOnlyList<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(patterns);
        foreach (var pattern in patterns)
        {
            if (pattern == "*"
                || string.Equals(registry, pattern, StringComparison.OrdinalIgnoreCase)
                || (pattern.StartsWith("*.", StringComparison.Ordinal) && registry.Split(':')[0].EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The registry (<c>host[:port]</c>, <c>docker.io</c> for Docker Hub) of a repository.</summary>
    public static string RegistryOf(string repository) =>
        ImageReference.TryParse(repository, out var reference, out _) ? reference.Registry : repository.Split('/')[0];

    private static FieldError Denied(string field, string value, string policyName, IReadOnlyList<string> allowed, string whenEmpty) =>
        new(field, "'" + value + "' is not allowed by the operator's policy (" + policyName + ": "
            + (allowed.Count == 0 ? whenEmpty : string.Join(", ", allowed)) + ")");
}
