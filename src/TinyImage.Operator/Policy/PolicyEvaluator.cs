using TinyImage.Api;
using TinyImage.Oci;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Policy;

/// <summary>
/// The one evaluator of the admin policy: checks a validated TinyImage against <see cref="AdminPolicy"/> (images, Service
/// types, insecure registries, the build-pod switches) and the allowed route hostnames, a pure function of (spec,
/// options), run by the inputs step before any Secret is read or any child written. Every denial is one reason,
/// <c>PolicyDenied</c>, and names the field, what it asked for and the policy entry (chart value, flag) that would allow it.
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

        if (spec.Build.NodeSelector is { Count: > 0 } && !policy.AllowBuildNodeSelector)
        {
            denied.Add(NotAllowed("spec.build.nodeSelector", "policy.buildPods.nodeSelector, --allow-build-node-selector"));
        }

        if (spec.Build.Tolerations is { Count: > 0 } && !policy.AllowBuildTolerations)
        {
            denied.Add(NotAllowed("spec.build.tolerations", "policy.buildPods.tolerations, --allow-build-tolerations"));
        }

        if (spec.Build.ServiceAccountName is not null && !policy.AllowBuildServiceAccount)
        {
            denied.Add(NotAllowed("spec.build.serviceAccountName", "policy.buildPods.serviceAccount, --allow-build-service-account"));
        }

        if (spec.Deploy.Route is { } route && !HostnameAllowed(route.Hostname, options.RouteHostnames))
        {
            denied.Add(Denied("spec.deploy.route.hostname", route.Hostname, "--route-hostnames", options.RouteHostnames, "none"));
        }

        return denied;
    }

    /// <summary>True when <paramref name="hostname"/> equals an allowed name or lies below an allowed <c>*.DOMAIN</c> (one label or more).</summary>
    public static bool HostnameAllowed(string hostname, IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        ArgumentNullException.ThrowIfNull(allowed);
        var host = hostname.ToLowerInvariant();
        foreach (var pattern in allowed)
        {
            if (pattern.StartsWith("*.", StringComparison.Ordinal)
                ? host.EndsWith(pattern[1..], StringComparison.Ordinal) && host.Length > pattern.Length - 1
                : host == pattern)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A hostname or <c>*.DOMAIN</c>, as <c>--route-hostnames</c> takes them.</summary>
    public static bool IsHostnamePattern(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var host = value.StartsWith("*.", StringComparison.Ordinal) ? value[2..] : value;
        return host.Length is > 0 and <= 253 && SpecValidator.IsFullMatch(host.ToLowerInvariant(), Api.V1Alpha1.Patterns.Hostname);
    }

    /// <summary>The sentence of a denial whose policy is a yes/no switch (the build-pod fields).</summary>
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
