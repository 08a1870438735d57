using TinyImage.Api.V1Alpha1;

namespace TinyImage.Operator.Building;

/// <summary>
/// The builders' own check of every spec value they put into a Containerfile, a Kaniko argument, a volume, an image
/// reference, a name or a label (see <see cref="SafeValue"/>). The spec validator and the CRD schema refuse the same
/// values earlier; this guard makes injection impossible even when they were skipped.
/// </summary>
internal static class SpecGuard
{
    /// <summary>A namespace is a DNS-1123 label.</summary>
    public const string NamespacePattern = "^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$";

    /// <summary>A resource name such as <c>cpu</c>, <c>memory</c> or <c>example.com/gpu</c> (a qualified name).</summary>
    public const string ResourceNamePattern = "^[A-Za-z0-9](?:[-A-Za-z0-9_./]*[A-Za-z0-9])?$";

    /// <summary>Every problem of the TinyImage's metadata (name, namespace) and spec, with field paths.</summary>
    public static IReadOnlyList<SpecProblem> Check(Api.V1Alpha1.TinyImage ti)
    {
        ArgumentNullException.ThrowIfNull(ti);
        var problems = new List<SpecProblem>();
        SafeValue.Check(problems, "metadata.name", ti.Metadata?.Name, Patterns.ObjectName, 253, required: true);
        SafeValue.Check(problems, "metadata.namespace", ti.Metadata?.NamespaceProperty, NamespacePattern, 63);
        if (ti.Spec is null)
        {
            problems.Add(new SpecProblem("spec", "required"));
            return problems;
        }

        CheckSpec(problems, ti.Spec);
        return problems;
    }

    /// <summary>Every problem of the spec alone, with paths starting at <c>spec.</c>.</summary>
    public static IReadOnlyList<SpecProblem> Check(TinyImageSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<SpecProblem>();
        CheckSpec(problems, spec);
        return problems;
    }

    /// <summary>Throws <see cref="InvalidSpecException"/> naming every problem.</summary>
    public static void ThrowIfInvalid(Api.V1Alpha1.TinyImage ti)
    {
        var problems = Check(ti);
        if (problems.Count > 0)
        {
            throw new InvalidSpecException(problems);
        }
    }

    /// <summary>Throws <see cref="InvalidSpecException"/> naming every problem.</summary>
    public static void ThrowIfInvalid(TinyImageSpec spec)
    {
        var problems = Check(spec);
        if (problems.Count > 0)
        {
            throw new InvalidSpecException(problems);
        }
    }

    private static void CheckSpec(List<SpecProblem> p, TinyImageSpec spec)
    {
        CheckSource(p, spec.Source);
        SafeValue.Check(p, "spec.binary", spec.Binary, Patterns.BinaryName, 64, required: true);
        CheckBuild(p, spec.Build);
        CheckOutput(p, spec.Output);
        CheckVerify(p, spec.Verify);
        CheckDeploy(p, spec.Deploy);
    }

    private static void CheckSource(List<SpecProblem> p, SourceSpec? source)
    {
        if (source is null || (source.Git is null) == (source.ConfigMap is null))
        {
            p.Add(new SpecProblem("spec.source", "exactly one of git or configMap must be set"));
        }

        if (source?.Git is { } git)
        {
            SafeValue.Check(p, "spec.source.git.url", git.Url, Patterns.GitUrl, 2048, required: true);
            if (git.Url is not null && git.Url.Split('/').Skip(3).Any(s => s is "." or ".."))
            {
                p.Add(new SpecProblem("spec.source.git.url", "must not contain '.' or '..' path segments"));
            }

            if (git.Ref is { } r)
            {
                SafeValue.CheckGitRefName(p, "spec.source.git.ref.branch", r.Branch, Patterns.GitRefName, 200);
                SafeValue.CheckGitRefName(p, "spec.source.git.ref.tag", r.Tag, Patterns.GitRefName, 200);
                SafeValue.Check(p, "spec.source.git.ref.commit", r.Commit, Patterns.GitCommit, 40);
                if ((r.Branch is null ? 0 : 1) + (r.Tag is null ? 0 : 1) + (r.Commit is null ? 0 : 1) > 1)
                {
                    p.Add(new SpecProblem("spec.source.git.ref", "set at most one of branch, tag, commit"));
                }
            }

            SafeValue.CheckRelativePath(p, "spec.source.git.subPath", git.SubPath, Patterns.SubPath, 512);
            SafeValue.Check(p, "spec.source.git.credentialsSecret", git.CredentialsSecret, Patterns.ObjectName, 253);
        }

        if (source?.ConfigMap is { } cm)
        {
            SafeValue.Check(p, "spec.source.configMap.name", cm.Name, Patterns.ObjectName, 253, required: true);
            if (cm.Items is { } items)
            {
                if (items.Count > 64)
                {
                    p.Add(new SpecProblem("spec.source.configMap.items", "must have at most 64 items"));
                }

                for (var i = 0; i < items.Count; i++)
                {
                    var item = items[i];
                    var at = "spec.source.configMap.items[" + i + "]";
                    if (item is null)
                    {
                        p.Add(new SpecProblem(at, "must not be null"));
                        continue;
                    }

                    SafeValue.CheckRelativePath(p, at + ".key", item.Key, Patterns.ConfigMapKey, 253, required: true);
                    SafeValue.CheckRelativePath(p, at + ".path", item.Path, Patterns.SubPath, 512, required: true);
                }
            }
        }
    }

    private static void CheckBuild(List<SpecProblem> p, BuildSpec? build)
    {
        if (build is null)
        {
            p.Add(new SpecProblem("spec.build", "must not be null"));
            return;
        }

        SafeValue.CheckEnum(p, "spec.build.base", build.Base, BuildSpec.BaseScratch, BuildSpec.BaseDistrolessStatic, BuildSpec.BaseDistrolessCc);
        SafeValue.CheckEnum(p, "spec.build.libc", build.Libc, BuildSpec.LibcMusl, BuildSpec.LibcGnu);
        if (build.Profile is not { } profile)
        {
            p.Add(new SpecProblem("spec.build.profile", "must not be null"));
        }
        else
        {
            SafeValue.CheckEnum(p, "spec.build.profile.strip", profile.Strip, "none", "debuginfo", "symbols");
            SafeValue.CheckEnum(p, "spec.build.profile.optLevel", profile.OptLevel, "0", "1", "2", "3", "s", "z");
            SafeValue.CheckEnum(p, "spec.build.profile.lto", profile.Lto, "true", "false", "thin", "fat", "off");
            SafeValue.CheckEnum(p, "spec.build.profile.panic", profile.Panic, "unwind", "abort");
            SafeValue.CheckRange(p, "spec.build.profile.codegenUnits", profile.CodegenUnits, 1, 256);
        }

        if (build.Features is { } features)
        {
            if (features.Count > 64)
            {
                p.Add(new SpecProblem("spec.build.features", "must have at most 64 items"));
            }

            for (var i = 0; i < features.Count; i++)
            {
                SafeValue.Check(p, "spec.build.features[" + i + "]", features[i], Patterns.CargoFeature, 129, required: true);
            }
        }

        SafeValue.Check(p, "spec.build.builderImage", build.BuilderImage, Patterns.ImageReference, 512);
        SafeValue.Check(p, "spec.build.kanikoImage", build.KanikoImage, Patterns.ImageReference, 512);
        if (build.Cache is { } cache)
        {
            SafeValue.Check(p, "spec.build.cache.repository", cache.Repository, Patterns.ImageRepository, 255);
            SafeValue.CheckRange(p, "spec.build.cache.ttlHours", cache.TtlHours, 1, 8760);
        }

        CheckResources(p, "spec.build.resources", build.Resources);
        SafeValue.CheckRange(p, "spec.build.timeoutSeconds", build.TimeoutSeconds, 60, 86400);
    }

    private static void CheckOutput(List<SpecProblem> p, OutputSpec? output)
    {
        if (output is null)
        {
            p.Add(new SpecProblem("spec.output", "required"));
            return;
        }

        SafeValue.Check(p, "spec.output.repository", output.Repository, Patterns.ImageRepository, 255, required: true);
        SafeValue.Check(p, "spec.output.tag", output.Tag, Patterns.ImageTag, 128);
        SafeValue.Check(p, "spec.output.pushSecret", output.PushSecret, Patterns.ObjectName, 253);
    }

    private static void CheckVerify(List<SpecProblem> p, VerifySpec? verify)
    {
        if (verify?.DenyPackages is { } deny)
        {
            for (var i = 0; i < deny.Count; i++)
            {
                SafeValue.Check(p, "spec.verify.denyPackages[" + i + "]", deny[i], Patterns.CrateName, 64, required: true);
            }
        }
    }

    private static void CheckDeploy(List<SpecProblem> p, DeploySpec? deploy)
    {
        if (deploy is null)
        {
            p.Add(new SpecProblem("spec.deploy", "must not be null"));
            return;
        }

        SafeValue.CheckRange(p, "spec.deploy.replicas", deploy.Replicas, 0, 100);
        SafeValue.CheckRange(p, "spec.deploy.containerPort", deploy.ContainerPort, 1, 65535);
        if (deploy.Args is { } args)
        {
            for (var i = 0; i < args.Count; i++)
            {
                if (args[i] is null)
                {
                    p.Add(new SpecProblem("spec.deploy.args[" + i + "]", "must not be null"));
                }
            }
        }

        if (deploy.Env is { } env)
        {
            for (var i = 0; i < env.Count; i++)
            {
                var at = "spec.deploy.env[" + i + "]";
                var e = env[i];
                if (e is null)
                {
                    p.Add(new SpecProblem(at, "must not be null"));
                    continue;
                }

                SafeValue.Check(p, at + ".name", e.Name, Patterns.EnvName, 256, required: true);
                if ((e.Value is null) == (e.ValueFrom is null))
                {
                    p.Add(new SpecProblem(at, "set exactly one of value or valueFrom"));
                }

                if (e.ValueFrom is { } from)
                {
                    if ((from.SecretKeyRef is null) == (from.ConfigMapKeyRef is null))
                    {
                        p.Add(new SpecProblem(at + ".valueFrom", "set exactly one of secretKeyRef or configMapKeyRef"));
                    }

                    CheckKeyRef(p, at + ".valueFrom.secretKeyRef", from.SecretKeyRef);
                    CheckKeyRef(p, at + ".valueFrom.configMapKeyRef", from.ConfigMapKeyRef);
                }
            }
        }

        CheckResources(p, "spec.deploy.resources", deploy.Resources);
        if (deploy.Service is not { } service)
        {
            p.Add(new SpecProblem("spec.deploy.service", "must not be null"));
            return;
        }

        SafeValue.CheckEnum(p, "spec.deploy.service.type", service.Type, "ClusterIP", "NodePort", "LoadBalancer");
        SafeValue.CheckRange(p, "spec.deploy.service.port", service.Port, 1, 65535);
    }

    private static void CheckResources(List<SpecProblem> p, string at, ResourceRequirementsSpec? resources)
    {
        foreach (var (field, map) in new[] { ("limits", resources?.Limits), ("requests", resources?.Requests) })
        {
            foreach (var (name, quantity) in map ?? new Dictionary<string, k8s.Models.ResourceQuantity>())
            {
                var path = at + "." + field + "[" + ContainerfileGenerator.JsonQuote(name) + "]";
                SafeValue.Check(p, path, name, ResourceNamePattern, 253, required: true);
                if (quantity is null)
                {
                    p.Add(new SpecProblem(path, "must be a quantity"));
                }
            }
        }
    }

    private static void CheckKeyRef(List<SpecProblem> p, string at, KeyReference? reference)
    {
        if (reference is null)
        {
            return;
        }

        SafeValue.Check(p, at + ".name", reference.Name, Patterns.ObjectName, 253, required: true);
        SafeValue.CheckRelativePath(p, at + ".key", reference.Key, Patterns.ConfigMapKey, 253, required: true);
    }
}
