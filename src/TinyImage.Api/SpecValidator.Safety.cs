using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using TinyImage.Api.V1Alpha1;

namespace TinyImage.Api;

// The injection checks (formerly the builders' own guard, SpecGuard and SafeValue): every spec value that reaches a
// Containerfile, a Kaniko argument, a volume, an image reference, a name or a label must match its Patterns regex in
// full, within a length, and paths and git refs must have no traversal. The schema markers already refuse most of
// these; these checks hold where a marker is looser (resource names, metadata, git ref names, path segments), so the
// builders, which take only a ValidTinyImage, need no check of their own. A match must cover the whole value: .NET's
// `$` also matches before a final newline, so ^[a-z]+$ alone would accept "abc\n".
public static partial class SpecValidator
{
    /// <summary>A namespace is a DNS-1123 label.</summary>
    public const string NamespacePattern = "^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$";

    /// <summary>A resource name such as <c>cpu</c>, <c>memory</c> or <c>example.com/gpu</c> (a qualified name).</summary>
    public const string ResourceNamePattern = "^[A-Za-z0-9](?:[-A-Za-z0-9_./]*[A-Za-z0-9])?$";

    private static readonly ConcurrentDictionary<string, Regex> FullMatchRegexes = new(StringComparer.Ordinal);

    /// <summary>metadata: the name is required (the builders name every child after it); the namespace, when set, is a DNS-1123 label.</summary>
    private static void CheckMetadata(List<FieldError> p, TinyImage.Api.V1Alpha1.TinyImage resource)
    {
        var name = resource.Metadata?.Name;
        if (string.IsNullOrEmpty(name))
        {
            p.Add(new FieldError("metadata.name", "required"));
        }
        else if (!IsValidName(name))
        {
            p.Add(new FieldError("metadata.name", V1Alpha1.TinyImage.NameMessage));
        }

        Check(p, "metadata.namespace", resource.Metadata?.NamespaceProperty, NamespacePattern, 63);
    }

    private static void CheckSafety(List<FieldError> p, TinyImageSpec spec)
    {
        CheckSource(p, spec.Source);
        Check(p, "spec.binary", spec.Binary, Patterns.BinaryName, 64, required: true);
        CheckBuild(p, spec.Build);
        CheckOutput(p, spec.Output);
        CheckVerify(p, spec.Verify);
        CheckDeploy(p, spec.Deploy);
        CheckBuildAccess(p, spec.Build);
        CheckExposure(p, spec.Deploy);
    }

    private static void CheckSource(List<FieldError> p, SourceSpec? source)
    {
        if (source is null || (source.Git is null) == (source.ConfigMap is null))
        {
            p.Add(new FieldError("spec.source", "exactly one of git or configMap must be set"));
        }

        if (source?.Git is { } git)
        {
            Check(p, "spec.source.git.url", git.Url, Patterns.GitUrl, 2048, required: true);
            if (git.Url is not null && git.Url.Split('/').Skip(3).Any(s => s is "." or ".."))
            {
                p.Add(new FieldError("spec.source.git.url", "must not contain '.' or '..' path segments"));
            }

            if (git.Ref is { } r)
            {
                CheckGitRefName(p, "spec.source.git.ref.branch", r.Branch, Patterns.GitRefName, 200);
                CheckGitRefName(p, "spec.source.git.ref.tag", r.Tag, Patterns.GitRefName, 200);
                Check(p, "spec.source.git.ref.commit", r.Commit, Patterns.GitCommit, 40);
                if ((r.Branch is null ? 0 : 1) + (r.Tag is null ? 0 : 1) + (r.Commit is null ? 0 : 1) > 1)
                {
                    p.Add(new FieldError("spec.source.git.ref", "set at most one of branch, tag, commit"));
                }
            }

            CheckRelativePath(p, "spec.source.git.subPath", git.SubPath, Patterns.SubPath, 512);
            Check(p, "spec.source.git.credentialsSecret", git.CredentialsSecret, Patterns.ObjectName, 253);
        }

        if (source?.ConfigMap is { } cm)
        {
            Check(p, "spec.source.configMap.name", cm.Name, Patterns.ObjectName, 253, required: true);
            if (cm.Items is { } items)
            {
                if (items.Count > 64)
                {
                    p.Add(new FieldError("spec.source.configMap.items", "must have at most 64 items"));
                }

                for (var i = 0; i < items.Count; i++)
                {
                    var item = items[i];
                    var at = "spec.source.configMap.items[" + i + "]";
                    if (item is null)
                    {
                        p.Add(new FieldError(at, "must not be null"));
                        continue;
                    }

                    CheckRelativePath(p, at + ".key", item.Key, Patterns.ConfigMapKey, 253, required: true);
                    CheckRelativePath(p, at + ".path", item.Path, Patterns.SubPath, 512, required: true);
                }
            }
        }
    }

    private static void CheckBuild(List<FieldError> p, BuildSpec? build)
    {
        if (build is null)
        {
            p.Add(new FieldError("spec.build", "must not be null"));
            return;
        }

        CheckEnum(p, "spec.build.base", build.Base, BuildSpec.BaseScratch, BuildSpec.BaseDistrolessStatic, BuildSpec.BaseDistrolessCc);
        CheckEnum(p, "spec.build.libc", build.Libc, BuildSpec.LibcMusl, BuildSpec.LibcGnu);
        if (build.Profile is not { } profile)
        {
            p.Add(new FieldError("spec.build.profile", "must not be null"));
        }
        else
        {
            CheckEnum(p, "spec.build.profile.strip", profile.Strip, "none", "debuginfo", "symbols");
            CheckEnum(p, "spec.build.profile.optLevel", profile.OptLevel, "0", "1", "2", "3", "s", "z");
            CheckEnum(p, "spec.build.profile.lto", profile.Lto, "true", "false", "thin", "fat", "off");
            CheckEnum(p, "spec.build.profile.panic", profile.Panic, "unwind", "abort");
            CheckRange(p, "spec.build.profile.codegenUnits", profile.CodegenUnits, 1, 256);
        }

        if (build.Features is { } features)
        {
            if (features.Count > 64)
            {
                p.Add(new FieldError("spec.build.features", "must have at most 64 items"));
            }

            for (var i = 0; i < features.Count; i++)
            {
                Check(p, "spec.build.features[" + i + "]", features[i], Patterns.CargoFeature, 129, required: true);
            }
        }

        Check(p, "spec.build.builderImage", build.BuilderImage, Patterns.ImageReference, 512);
        Check(p, "spec.build.kanikoImage", build.KanikoImage, Patterns.ImageReference, 512);
        Check(p, "spec.build.cargoAuditableVersion", build.CargoAuditableVersion, Patterns.CrateVersion, 64);
        CheckRange(p, "spec.build.historyLimit", build.HistoryLimit, 1, 20);
        if (build.Cache is { } cache)
        {
            Check(p, "spec.build.cache.repository", cache.Repository, Patterns.ImageRepository, 255);
            CheckRange(p, "spec.build.cache.ttlHours", cache.TtlHours, 1, 8760);
        }

        CheckResources(p, "spec.build.resources", build.Resources);
        CheckRange(p, "spec.build.timeoutSeconds", build.TimeoutSeconds, 60, 86400);
    }

    private static void CheckOutput(List<FieldError> p, OutputSpec? output)
    {
        if (output is null)
        {
            p.Add(new FieldError("spec.output", "required"));
            return;
        }

        Check(p, "spec.output.repository", output.Repository, Patterns.ImageRepository, 255, required: true);
        Check(p, "spec.output.tag", output.Tag, Patterns.ImageTag, 128);
        Check(p, "spec.output.pushSecret", output.PushSecret, Patterns.ObjectName, 253);
    }

    private static void CheckVerify(List<FieldError> p, VerifySpec? verify)
    {
        if (verify?.DenyPackages is { } deny)
        {
            for (var i = 0; i < deny.Count; i++)
            {
                Check(p, "spec.verify.denyPackages[" + i + "]", deny[i], Patterns.CrateName, 64, required: true);
            }
        }

        if (verify?.Advisories?.Ignore is { } ignore)
        {
            for (var i = 0; i < ignore.Count; i++)
            {
                var path = "spec.verify.advisories.ignore[" + i + "]";
                Check(p, path + ".id", ignore[i].Id, Patterns.AdvisoryId, 17, required: true);
                if (ignore[i].Until is { } until && !IsDate(until))
                {
                    p.Add(new FieldError(path + ".until", "must be a date, YYYY-MM-DD"));
                }
            }
        }
    }

    /// <summary>Whether <paramref name="text"/> is an existing calendar day written <c>YYYY-MM-DD</c>.</summary>
    public static bool IsDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _);

    private static void CheckDeploy(List<FieldError> p, DeploySpec? deploy)
    {
        if (deploy is null)
        {
            p.Add(new FieldError("spec.deploy", "must not be null"));
            return;
        }

        CheckRange(p, "spec.deploy.replicas", deploy.Replicas, 0, 100);
        CheckRange(p, "spec.deploy.containerPort", deploy.ContainerPort, 1, 65535);
        Check(p, "spec.deploy.pinDigest", deploy.PinDigest, Patterns.Sha256Digest, 71);
        if (deploy.Args is { } args)
        {
            for (var i = 0; i < args.Count; i++)
            {
                if (args[i] is null)
                {
                    p.Add(new FieldError("spec.deploy.args[" + i + "]", "must not be null"));
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
                    p.Add(new FieldError(at, "must not be null"));
                    continue;
                }

                Check(p, at + ".name", e.Name, Patterns.EnvName, 256, required: true);
                if ((e.Value is null) == (e.ValueFrom is null))
                {
                    p.Add(new FieldError(at, "set exactly one of value or valueFrom"));
                }

                if (e.ValueFrom is { } from)
                {
                    if ((from.SecretKeyRef is null) == (from.ConfigMapKeyRef is null))
                    {
                        p.Add(new FieldError(at + ".valueFrom", "set exactly one of secretKeyRef or configMapKeyRef"));
                    }

                    CheckKeyRef(p, at + ".valueFrom.secretKeyRef", from.SecretKeyRef);
                    CheckKeyRef(p, at + ".valueFrom.configMapKeyRef", from.ConfigMapKeyRef);
                }
            }
        }

        if (ServingStatus.CopiedBytes(deploy.Args, deploy.Env) is var copied && copied > ServingStatus.MaxCopiedBytes)
        {
            p.Add(new FieldError("spec.deploy", "args and env hold " + copied + " bytes of text; at most " + ServingStatus.MaxCopiedBytes
                + " (status.serving keeps a copy of them within the status size budget)"));
        }

        CheckResources(p, "spec.deploy.resources", deploy.Resources);
        if (deploy.Service is not { } service)
        {
            p.Add(new FieldError("spec.deploy.service", "must not be null"));
            return;
        }

        CheckEnum(p, "spec.deploy.service.type", service.Type, "ClusterIP", "NodePort", "LoadBalancer");
        CheckRange(p, "spec.deploy.service.port", service.Port, 1, 65535);
    }

    private static void CheckResources(List<FieldError> p, string at, ResourceRequirementsSpec? resources)
    {
        foreach (var (field, map) in new[] { ("limits", resources?.Limits), ("requests", resources?.Requests) })
        {
            foreach (var (name, quantity) in map ?? new Dictionary<string, k8s.Models.ResourceQuantity>())
            {
                var path = at + "." + field + "[" + name + "]";
                Check(p, path, name, ResourceNamePattern, 253, required: true);
                if (quantity is null)
                {
                    p.Add(new FieldError(path, "must be a quantity"));
                }
            }
        }
    }

    private static void CheckKeyRef(List<FieldError> p, string at, KeyReference? reference)
    {
        if (reference is null)
        {
            return;
        }

        Check(p, at + ".name", reference.Name, Patterns.ObjectName, 253, required: true);
        CheckRelativePath(p, at + ".key", reference.Key, Patterns.ConfigMapKey, 253, required: true);
    }

    /// <summary>
    /// True when <paramref name="pattern"/> matches all of <paramref name="value"/>. A match that runs out of time throws
    /// <see cref="RegexMatchTimeoutException"/>: no verdict on the value (the reconciler retries the pass).
    /// </summary>
    public static bool IsFullMatch(string value, string pattern)
    {
        var regex = FullMatchRegexes.GetOrAdd(pattern, static p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        var match = regex.Match(value);
        return match.Success && match.Index == 0 && match.Length == value.Length;
    }

    /// <summary>Checks an optional (or, with <paramref name="required"/>, mandatory) string against a pattern and a length.</summary>
    private static void Check(List<FieldError> problems, string path, string? value, string pattern, int maxLength, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                problems.Add(new FieldError(path, "required"));
            }

            return;
        }

        if (value.Length == 0 && required)
        {
            problems.Add(new FieldError(path, "required (must not be empty)"));
            return;
        }

        if (value.Length > maxLength)
        {
            problems.Add(new FieldError(path, "must be at most " + maxLength.ToString(CultureInfo.InvariantCulture) + " characters"));
            return;
        }

        if (!IsFullMatch(value, pattern))
        {
            problems.Add(new FieldError(path, "must match " + pattern));
        }
    }

    /// <summary>
    /// A relative path (git subPath, ConfigMap item path): the pattern, and no <c>.</c>, <c>..</c> or empty segment,
    /// no segment starting with <c>-</c>.
    /// </summary>
    private static void CheckRelativePath(List<FieldError> problems, string path, string? value, string pattern, int maxLength, bool required = false)
    {
        var before = problems.Count;
        Check(problems, path, value, pattern, maxLength, required);
        if (problems.Count != before || string.IsNullOrEmpty(value))
        {
            return;
        }

        foreach (var segment in value.Split('/'))
        {
            if (segment is "." or ".." || segment.Length == 0)
            {
                problems.Add(new FieldError(path, "must not contain '.', '..' or empty segments"));
                return;
            }

            if (segment[0] == '-')
            {
                problems.Add(new FieldError(path, "no segment may start with '-'"));
                return;
            }
        }
    }

    /// <summary>A git branch or tag: the pattern, no <c>..</c>, no <c>//</c>, no trailing <c>/</c> or <c>.lock</c> (git check-ref-format).</summary>
    private static void CheckGitRefName(List<FieldError> problems, string path, string? value, string pattern, int maxLength)
    {
        var before = problems.Count;
        Check(problems, path, value, pattern, maxLength);
        if (problems.Count != before || value is null)
        {
            return;
        }

        if (value.Contains("..", StringComparison.Ordinal) || value.Contains("//", StringComparison.Ordinal) ||
            value.EndsWith('/') || value.EndsWith(".lock", StringComparison.Ordinal))
        {
            problems.Add(new FieldError(path, "must be a valid git ref name (no '..', '//', trailing '/' or '.lock')"));
        }
    }

    /// <summary>The value must be one of <paramref name="allowed"/>.</summary>
    private static void CheckEnum(List<FieldError> problems, string path, string? value, params string[] allowed)
    {
        if (value is null || !allowed.Contains(value, StringComparer.Ordinal))
        {
            problems.Add(new FieldError(path, "must be one of " + string.Join(", ", allowed)));
        }
    }

    /// <summary>The number must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    private static void CheckRange(List<FieldError> problems, string path, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            problems.Add(new FieldError(path, "must be between " + min.ToString(CultureInfo.InvariantCulture) + " and " + max.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
