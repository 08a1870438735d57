using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Api;
using TinyImage.Operator.Configuration;
using TinyImage.Yaml;

namespace TinyImage.Operator.Building;

/// <summary>
/// The build hash: the first 10 lowercase hex characters of the SHA-256 of every input that defines the image (and the
/// build Job's immutable pod template). It names the build Job (<c>NAME-build-HASH</c>; the previous release's Containerfile ConfigMap too), so a
/// restarted operator finds the build it started, and any change of these inputs starts a new build.
/// </summary>
/// <remarks>
/// <para>Canonical form (version <c>tinyimage-build-hash/v1</c>): the line <c>tinyimage-build-hash/v1</c>, then one line
/// <c>KEY=VALUE</c> per input, sorted by KEY (ordinal), each VALUE a JSON string literal (so no value can forge a line).
/// Defaults are applied first (effective builder and Kaniko images, cache repository), so equivalent specs hash alike;
/// unset optional values are left out. Lists whose order does not matter are sorted (features, ConfigMap items by path).</para>
/// <para>Keys: <c>source.*</c> (git url, ref, subPath, credentialsSecret; or ConfigMap name and items), <c>source.content</c>
/// (an optional digest of the source's content, e.g. <see cref="DigestConfigMapData"/>, so a ConfigMap edit rebuilds),
/// <c>binary</c>, <c>build.*</c> (the whole build block after defaults, resources and timeout included, since the Job's pod
/// template is immutable), <c>output.*</c> (repository, tag, pushSecret, insecure), and what the generated Containerfile
/// bakes into the image: <c>image.runtimeBase</c>, <c>image.user</c> (the operator's RunAsUser) and
/// <c>image.exposedPort</c> (deploy.containerPort, written as EXPOSE). Nothing else of the deploy block, and nothing of
/// the verify block, takes part.</para>
/// <para>The cache keys keep their legacy form: an absent <c>build.cache</c> hashes as <c>build.cache.enabled=false</c>
/// although the cache is now on by default, so upgrading the operator rebuilds no existing TinyImage; an explicit
/// <c>enabled: false</c> hashes the same (the Job of that hash is kept: the cache does not define the image). The keys of
/// build env, build secrets and build pod placement (<see cref="BuildHashExtras"/>) appear only when set, so existing
/// hashes are unchanged by them too.</para>
/// </remarks>
internal static class BuildHash
{
    public const string Pattern = "^[0-9a-f]{10}$";
    public const int Length = 10;
    public const string FormatVersion = "tinyimage-build-hash/v1";

    /// <summary>The build hash of the validated TinyImage's spec.</summary>
    public static string Compute(ValidTinyImage tinyImage, OperatorOptions options, string? sourceContentDigest = null, string? commit = null)
    {
        var canonical = Canonicalize(tinyImage, options, sourceContentDigest, commit);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        return Convert.ToHexStringLower(digest)[..Length];
    }

    /// <summary>True for a well-formed build hash.</summary>
    public static bool IsValid(string? hash) => hash is not null && SpecValidator.IsFullMatch(hash, Pattern);

    /// <summary>The canonical text that is hashed (see remarks of <see cref="BuildHash"/>).</summary>
    public static string Canonicalize(ValidTinyImage tinyImage, OperatorOptions options, string? sourceContentDigest = null, string? commit = null) =>
        Render(FormatVersion, Keys(tinyImage, options, sourceContentDigest, commit));

    /// <summary>The canonical lines: the version line, then KEY=VALUE sorted by key, each value a JSON string.</summary>
    internal static string Render(string version, SortedDictionary<string, string> kv)
    {
        var sb = new StringBuilder(version).Append('\n');
        foreach (var (key, value) in kv)
        {
            sb.Append(key).Append('=').Append(JsonStrings.Quote(value)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The inputs of the v1 form as sorted keys (see remarks of <see cref="BuildHash"/>).</summary>
    internal static SortedDictionary<string, string> Keys(ValidTinyImage tinyImage, OperatorOptions options, string? sourceContentDigest, string? commit = null)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        ArgumentNullException.ThrowIfNull(options);
        var spec = tinyImage.Spec;
        var eb = EffectiveBuild.From(spec, options);
        var kv = new SortedDictionary<string, string>(StringComparer.Ordinal);

        if (spec.Source.Git is { } git)
        {
            kv["source.kind"] = "git";
            kv["source.git.url"] = git.Url;
            Put(kv, "source.git.ref.branch", git.Ref?.Branch);
            Put(kv, "source.git.ref.tag", git.Ref?.Tag);
            Put(kv, "source.git.ref.commit", git.Ref?.Commit);
            Put(kv, "source.git.subPath", git.SubPath);
            Put(kv, "source.git.credentialsSecret", git.CredentialsSecret);
            if (git.Ref?.Commit is null)
            {
                Put(kv, "source.git.commit", commit);
            }
        }
        else if (spec.Source.ConfigMap is { } cm)
        {
            kv["source.kind"] = "configMap";
            kv["source.configMap.name"] = cm.Name;
            var items = SortedItems(cm);
            for (var i = 0; i < items.Count; i++)
            {
                var index = i.ToString("D3", CultureInfo.InvariantCulture);
                kv["source.configMap.items[" + index + "].key"] = items[i].Key;
                kv["source.configMap.items[" + index + "].path"] = items[i].Path;
            }
        }

        Put(kv, "source.content", sourceContentDigest);
        kv["binary"] = spec.Binary;

        var b = spec.Build;
        kv["build.base"] = b.Base;
        kv["build.libc"] = b.Libc;
        kv["build.staticLinking"] = Bool(b.StaticLinking);
        kv["build.auditable"] = Bool(b.Auditable);
        kv["build.profile.strip"] = b.Profile.Strip;
        kv["build.profile.optLevel"] = b.Profile.OptLevel;
        kv["build.profile.lto"] = b.Profile.Lto;
        kv["build.profile.codegenUnits"] = b.Profile.CodegenUnits.ToString(CultureInfo.InvariantCulture);
        kv["build.profile.panic"] = b.Profile.Panic;
        kv["build.features"] = string.Join(',', eb.Features);
        kv["build.noDefaultFeatures"] = Bool(b.NoDefaultFeatures);
        kv["build.builderImage"] = eb.BuilderImage;
        kv["build.builderHasCargoAuditable"] = Bool(b.BuilderHasCargoAuditable);
        kv["build.kanikoImage"] = eb.KanikoImage;
        // Legacy form, kept so no existing TinyImage's hash changes: before the cache was on by default, an absent cache
        // block meant off and hashed as enabled=false. It still hashes so, though an absent block now means on: the cache
        // speeds a build up but does not define the image. Only an explicit enabled: true adds its repository and TTL.
        var explicitlyOn = b.Cache?.Enabled == true;
        kv["build.cache.enabled"] = Bool(explicitlyOn);
        if (explicitlyOn)
        {
            kv["build.cache.repository"] = CacheRepository(tinyImage);
            kv["build.cache.ttlHours"] = b.Cache!.TtlHours.ToString(CultureInfo.InvariantCulture);
        }

        BuildHashExtras.Put(kv, b);

        PutQuantities(kv, "build.resources.limits.", b.Resources?.Limits);
        PutQuantities(kv, "build.resources.requests.", b.Resources?.Requests);
        kv["build.timeoutSeconds"] = b.TimeoutSeconds.ToString(CultureInfo.InvariantCulture);

        kv["output.repository"] = spec.Output.Repository;
        Put(kv, "output.tag", spec.Output.Tag);
        Put(kv, "output.pushSecret", spec.Output.PushSecret);
        kv["output.insecure"] = Bool(spec.Output.Insecure);

        kv["image.runtimeBase"] = eb.RuntimeBase;
        kv["image.user"] = options.RunAsUser.ToString(CultureInfo.InvariantCulture);
        kv["image.exposedPort"] = spec.Deploy.ContainerPort.ToString(CultureInfo.InvariantCulture);
        return kv;
    }

    /// <summary>
    /// A digest of a ConfigMap's content (<c>data</c> and <c>binaryData</c>), independent of key order:
    /// <c>sha256:HEX</c> over each entry as kind, key and value, length-prefixed. Pass it as the source content digest.
    /// </summary>
    public static string DigestConfigMapData(IDictionary<string, string>? data, IDictionary<string, byte[]>? binaryData)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var key in (data?.Keys ?? []).Order(StringComparer.Ordinal))
        {
            AppendEntry(sha, "data", key, Encoding.UTF8.GetBytes(data![key] ?? ""));
        }

        foreach (var key in (binaryData?.Keys ?? []).Order(StringComparer.Ordinal))
        {
            AppendEntry(sha, "binaryData", key, binaryData![key] ?? []);
        }

        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The effective cache repository: the spec's, or OUTPUT_REPOSITORY/cache.</summary>
    public static string CacheRepository(ValidTinyImage tinyImage) => tinyImage.Spec.Build.Cache?.Repository ?? tinyImage.Spec.Output.Repository + "/cache";

    /// <summary>The ConfigMap items in a stable order (by path, then key).</summary>
    public static IReadOnlyList<ConfigMapItem> SortedItems(ConfigMapSource source) =>
        (source.Items ?? []).OrderBy(i => i.Path, StringComparer.Ordinal).ThenBy(i => i.Key, StringComparer.Ordinal).ToArray();

    private static void AppendEntry(IncrementalHash sha, string kind, string key, byte[] value)
    {
        Span<byte> length = stackalloc byte[8];
        foreach (var part in new[] { Encoding.UTF8.GetBytes(kind), Encoding.UTF8.GetBytes(key), value })
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(length, part.LongLength);
            sha.AppendData(length);
            sha.AppendData(part);
        }
    }

    private static void Put(SortedDictionary<string, string> kv, string key, string? value)
    {
        if (value is not null)
        {
            kv[key] = value;
        }
    }

    private static void PutQuantities(SortedDictionary<string, string> kv, string prefix, IDictionary<string, ResourceQuantity>? quantities)
    {
        foreach (var (name, quantity) in quantities ?? new Dictionary<string, ResourceQuantity>())
        {
            kv[prefix + name] = quantity?.CanonicalizeString() ?? "";
        }
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
