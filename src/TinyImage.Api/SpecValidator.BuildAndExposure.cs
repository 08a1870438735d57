using TinyImage.Api.V1Alpha1;

namespace TinyImage.Api;

/// <summary>The checks of issue 15's fields: build env, build secrets, build pod placement, pull secrets, route.</summary>
public static partial class SpecValidator
{
    /// <summary>Variables the generated Containerfile or the build wiring set: a build env entry may not override them.</summary>
    private static readonly HashSet<string> ReservedBuildEnv = new(StringComparer.Ordinal)
    {
        "PATH", "HOME", "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_HOME", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET",
        "CARGO_BUILD_RUSTFLAGS", "CARGO_REGISTRY_TOKEN", "CARGO_NET_GIT_FETCH_WITH_CLI", "RUSTC", "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
    };

    /// <summary>True when a build env name is one the operator sets itself or one that carries credentials (use build.secrets).</summary>
    public static bool IsReservedBuildEnvName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = name.ToUpperInvariant();
        return ReservedBuildEnv.Contains(upper)
            || upper.StartsWith("CARGO_PROFILE_", StringComparison.Ordinal)
            || upper.StartsWith("GIT_", StringComparison.Ordinal)
            || (upper.StartsWith("CARGO_REGISTRIES_", StringComparison.Ordinal)
                && (upper.EndsWith("_TOKEN", StringComparison.Ordinal) || upper.EndsWith("_CREDENTIAL_PROVIDER", StringComparison.Ordinal)));
    }

    private static void CheckBuildAccess(List<FieldError> p, BuildSpec? build)
    {
        if (build is null)
        {
            return;
        }

        if (build.Env is { } env)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < env.Count; i++)
            {
                var at = "spec.build.env[" + i + "]";
                if (env[i] is not { } e)
                {
                    p.Add(new FieldError(at, "must not be null"));
                    continue;
                }

                Check(p, at + ".name", e.Name, Patterns.EnvName, 128, required: true);
                if (e.Value is null)
                {
                    p.Add(new FieldError(at + ".value", "required"));
                }
                else if (e.Value.Length > 4096)
                {
                    p.Add(new FieldError(at + ".value", "must be at most 4096 characters"));
                }

                if (e.Name is { Length: > 0 } name && IsReservedBuildEnvName(name))
                {
                    p.Add(new FieldError(at + ".name", "is set by the operator or carries credentials (use build.secrets): " + name));
                }
                else if (e.Name is not null && !seen.Add(e.Name))
                {
                    p.Add(new FieldError(at + ".name", "is listed twice: " + e.Name));
                }
            }
        }

        if (build.Secrets is { } secrets)
        {
            var registries = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < (secrets.CargoRegistries?.Count ?? 0); i++)
            {
                var at = "spec.build.secrets.cargoRegistries[" + i + "]";
                if (secrets.CargoRegistries![i] is not { } r)
                {
                    p.Add(new FieldError(at, "must not be null"));
                    continue;
                }

                Check(p, at + ".registry", r.Registry, Patterns.CargoRegistryName, 64, required: true);
                Check(p, at + ".secretName", r.SecretName, Patterns.ObjectName, 253, required: true);
                Check(p, at + ".key", r.Key, Patterns.ConfigMapKey, 253, required: true);
                if (r.Registry is not null && !registries.Add(CargoRegistryEnvName(r.Registry)))
                {
                    p.Add(new FieldError(at + ".registry", "is listed twice (names differing only in case, - and _ are one registry): " + r.Registry));
                }
            }

            Check(p, "spec.build.secrets.gitHttpsSecret", secrets.GitHttpsSecret, Patterns.ObjectName, 253);
            Check(p, "spec.build.secrets.gitSshSecret", secrets.GitSshSecret, Patterns.ObjectName, 253);
        }

        foreach (var (key, value) in build.NodeSelector ?? new Dictionary<string, string>())
        {
            Check(p, "spec.build.nodeSelector[" + key + "]", key, Patterns.QualifiedName, 316, required: true);
            Check(p, "spec.build.nodeSelector[" + key + "]", value, Patterns.LabelValue, 63, required: false);
        }

        for (var i = 0; i < (build.Tolerations?.Count ?? 0); i++)
        {
            var at = "spec.build.tolerations[" + i + "]";
            if (build.Tolerations![i] is not { } t)
            {
                p.Add(new FieldError(at, "must not be null"));
                continue;
            }

            Check(p, at + ".key", t.Key, Patterns.QualifiedName, 316);
            Check(p, at + ".value", t.Value, Patterns.LabelValue, 63);
            CheckEnum(p, at + ".operator", t.Operator, "Exists", "Equal");
            if (t.Effect is not null)
            {
                CheckEnum(p, at + ".effect", t.Effect, "NoSchedule", "PreferNoSchedule", "NoExecute");
            }

            if (t.Operator == "Exists" && !string.IsNullOrEmpty(t.Value))
            {
                p.Add(new FieldError(at + ".value", "must be empty when operator is Exists"));
            }

            if (t.TolerationSeconds is { } seconds)
            {
                CheckRange(p, at + ".tolerationSeconds", seconds, 0, 86400);
            }
        }

        Check(p, "spec.build.serviceAccountName", build.ServiceAccountName, Patterns.ObjectName, 253);
    }

    private static void CheckExposure(List<FieldError> p, DeploySpec? deploy)
    {
        if (deploy is null)
        {
            return;
        }

        for (var i = 0; i < (deploy.ImagePullSecrets?.Count ?? 0); i++)
        {
            Check(p, "spec.deploy.imagePullSecrets[" + i + "]", deploy.ImagePullSecrets![i], Patterns.ObjectName, 253, required: true);
        }

        if (deploy.Route is not { } route)
        {
            return;
        }

        CheckEnum(p, "spec.deploy.route.kind", route.Kind, RouteSpec.KindHttpRoute, RouteSpec.KindIngress);
        Check(p, "spec.deploy.route.hostname", route.Hostname, Patterns.Hostname, 253, required: true);
        Check(p, "spec.deploy.route.path", route.Path, Patterns.HttpPathPrefix, 1024, required: true);
        Check(p, "spec.deploy.route.ingressClassName", route.IngressClassName, Patterns.ObjectName, 253);
        if (!RouteShapeHolds(route))
        {
            p.Add(new FieldError("spec.deploy.route", "an HTTPRoute needs gateway and takes no ingressClassName; an Ingress takes no gateway"));
        }

        if (route.Gateway is { } gateway)
        {
            Check(p, "spec.deploy.route.gateway.name", gateway.Name, Patterns.ObjectName, 253, required: true);
            Check(p, "spec.deploy.route.gateway.namespace", gateway.Namespace, Patterns.DnsLabel, 63);
            Check(p, "spec.deploy.route.gateway.sectionName", gateway.SectionName, Patterns.DnsLabel, 63);
        }
    }

    /// <summary>The CEL rule of <see cref="RouteSpec"/>.</summary>
    private static bool RouteShapeHolds(RouteSpec r) =>
        (r.Kind == RouteSpec.KindHttpRoute) == (r.Gateway is not null) && (r.Kind == RouteSpec.KindIngress || r.IngressClassName is null);

    /// <summary>A cargo registry name as cargo spells it in environment variables: upper case, <c>-</c> as <c>_</c>.</summary>
    public static string CargoRegistryEnvName(string registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.ToUpperInvariant().Replace('-', '_');
    }
}
