using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Configuration;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// What the operator's administrator allows of the build pod placement and route fields, denied by default: each
/// placement field by its admin policy switch (<c>--allow-build-service-account</c>, <c>--allow-build-node-selector</c>,
/// <c>--allow-build-tolerations</c>; chart <c>policy.buildPods.*</c>) and route hostnames by <c>--route-hostnames</c>.
/// A refusal stalls the TinyImage with <c>NotAllowed</c> and names the field and the flag.
/// </summary>
internal static class AdminAllowance
{
    /// <summary>Why the spec is not allowed, or null.</summary>
    public static string? Refusal(ValidTinyImage tinyImage, OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        ArgumentNullException.ThrowIfNull(options);
        var build = tinyImage.Spec.Build;
        var policy = options.Policy;
        var asked = new List<string>();
        if (build.NodeSelector is { Count: > 0 } && !policy.AllowBuildNodeSelector)
        {
            asked.Add("spec.build.nodeSelector (--allow-build-node-selector)");
        }

        if (build.Tolerations is { Count: > 0 } && !policy.AllowBuildTolerations)
        {
            asked.Add("spec.build.tolerations (--allow-build-tolerations)");
        }

        if (build.ServiceAccountName is not null && !policy.AllowBuildServiceAccount)
        {
            asked.Add("spec.build.serviceAccountName (--allow-build-service-account)");
        }

        if (asked.Count > 0)
        {
            return string.Join(", ", asked) + ": the operator's policy does not allow it for build pods";
        }

        if (tinyImage.Spec.Deploy.Route is { } route && !HostnameAllowed(route.Hostname, options.RouteHostnames))
        {
            return "spec.deploy.route.hostname: " + route.Hostname + " is not among the hostnames the operator allows (--route-hostnames"
                + (options.RouteHostnames.Count == 0 ? ": none" : ": " + string.Join(", ", options.RouteHostnames)) + ")";
        }

        return null;
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
        return host.Length is > 0 and <= 253 && SpecValidator.IsFullMatch(host.ToLowerInvariant(), Patterns.Hostname);
    }

    /// <summary>Every build Secret the spec names, with its field: each must exist before the build starts.</summary>
    public static IEnumerable<(string Field, string Name)> BuildSecretNames(TinyImageSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Build.Secrets is not { } secrets)
        {
            yield break;
        }

        for (var i = 0; i < (secrets.CargoRegistries?.Count ?? 0); i++)
        {
            yield return ("spec.build.secrets.cargoRegistries[" + i + "].secretName", secrets.CargoRegistries![i].SecretName);
        }

        if (secrets.GitHttpsSecret is { } https)
        {
            yield return ("spec.build.secrets.gitHttpsSecret", https);
        }

        if (secrets.GitSshSecret is { } ssh)
        {
            yield return ("spec.build.secrets.gitSshSecret", ssh);
        }
    }
}
