using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// Materializes the pod's declared volumes on the host and turns the container's <c>volumeMounts</c> into podman
/// <c>--mount</c> flags, as a kubelet does: <c>emptyDir</c> as a world-writable host directory (<c>medium: Memory</c> as a
/// tmpfs sized by <c>sizeLimit</c>), <c>configMap</c>, <c>secret</c>, <c>downwardAPI</c> and <c>projected</c> as files
/// mounted read-only. Nothing else is mounted: a path the spec does not declare stays on the (read-only) root.
/// When <c>automountServiceAccountToken</c> is not false and the pod has no mount at
/// <c>/var/run/secrets/kubernetes.io/serviceaccount</c>, the <c>kube-api-access</c> projected volume the ServiceAccount
/// admission plugin injects is added first (plugin/pkg/admission/serviceaccount/admission.go).
/// </summary>
public static class PodVolumes
{
    /// <summary>Where the kubelet mounts the service account's token, CA and namespace.</summary>
    public const string ServiceAccountMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>Writes the volumes under <paramref name="directory"/>; returns the podman <c>--mount</c> values and the disk
    /// emptyDirs with a sizeLimit, or why the container cannot start.</summary>
    public static async Task<StandInResult<PreparedVolumes>> PrepareAsync(
        JsonObject pod, JsonObject container, string directory, PodmanPodOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(options);
        var spec = pod["spec"] as JsonObject ?? [];
        var volumes = (spec["volumes"] as JsonArray ?? []).OfType<JsonObject>().Select(v => (JsonObject)v.DeepClone()).ToList();
        var mounts = (container["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>().Select(m => (JsonObject)m.DeepClone()).ToList();
        if (NeedsServiceAccountVolume(pod, mounts, options))
        {
            var name = "kube-api-access-stand-in";
            volumes.Add(KubeApiAccessVolume(name));
            mounts.Add(new JsonObject { ["name"] = name, ["readOnly"] = true, ["mountPath"] = ServiceAccountMountPath });
        }

        var fsGroup = JsonNumbers.Long(spec["securityContext"]?["fsGroup"]);
        var args = new List<string>();
        var limited = new List<(string Name, string Path, long Limit)>();
        var byName = volumes.ToDictionary(v => (string?)v["name"] ?? "", StringComparer.Ordinal);
        var prepared = new Dictionary<string, (string? HostPath, string? Tmpfs, bool ReadOnly)>(StringComparer.Ordinal);
        foreach (var mount in mounts)
        {
            var volumeName = (string?)mount["name"] ?? "";
            if (!byName.TryGetValue(volumeName, out var volume))
            {
                return Fail($"volumeMount {volumeName} refers to no volume of the pod");
            }

            if (!prepared.TryGetValue(volumeName, out var made))
            {
                var result = await MakeAsync(pod, volume, Path.Combine(directory, volumeName), fsGroup, options, cancellationToken);
                if (!result.IsSuccess)
                {
                    return Fail(result.Error!);
                }

                made = result.Value;
                prepared[volumeName] = made;
                if (made.HostPath is not null && volume["emptyDir"] is JsonObject e && KubeQuantity.Bytes((string?)e["sizeLimit"]) is { } limit)
                {
                    limited.Add((volumeName, made.HostPath, limit));
                }
            }

            var target = (string?)mount["mountPath"] ?? "";
            var readOnly = made.ReadOnly || (bool?)mount["readOnly"] == true;
            if (made.Tmpfs is { } tmpfs)
            {
                args.Add("type=tmpfs,destination=" + target + tmpfs + (readOnly ? ",ro=true" : ""));
                continue;
            }

            var source = made.HostPath!;
            if ((string?)mount["subPath"] is { Length: > 0 } sub)
            {
                source = Path.Combine(source, sub);
                Directory.CreateDirectory(source);
            }

            args.Add("type=bind,source=" + source + ",destination=" + target + (readOnly ? ",ro=true" : ""));
        }

        return StandInResult<PreparedVolumes>.Ok(new PreparedVolumes(args, limited));
    }

    private static bool NeedsServiceAccountVolume(JsonObject pod, List<JsonObject> mounts, PodmanPodOptions options)
    {
        if (mounts.Any(m => ((string?)m["mountPath"])?.TrimEnd('/') == ServiceAccountMountPath))
        {
            return false;
        }

        var spec = pod["spec"] as JsonObject ?? [];
        if ((bool?)spec["automountServiceAccountToken"] is { } podSays)
        {
            return podSays;
        }

        var ns = (string?)pod["metadata"]?["namespace"] ?? "default";
        var sa = options.Get("v1", "serviceaccounts", ns, (string?)spec["serviceAccountName"] ?? "default");
        return (bool?)sa?["automountServiceAccountToken"] != false;
    }

    private static JsonObject KubeApiAccessVolume(string name) => new()
    {
        ["name"] = name,
        ["projected"] = new JsonObject
        {
            ["defaultMode"] = 420,
            ["sources"] = new JsonArray(
                new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = 3607, ["path"] = "token" } },
                new JsonObject { ["configMap"] = new JsonObject { ["name"] = "kube-root-ca.crt", ["items"] = new JsonArray(new JsonObject { ["key"] = "ca.crt", ["path"] = "ca.crt" }) } },
                new JsonObject
                {
                    ["downwardAPI"] = new JsonObject
                    {
                        ["items"] = new JsonArray(new JsonObject { ["path"] = "namespace", ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.namespace" } }),
                    },
                }),
        },
    };

    private static async Task<StandInResult<(string? HostPath, string? Tmpfs, bool ReadOnly)>> MakeAsync(
        JsonObject pod, JsonObject volume, string path, long? fsGroup, PodmanPodOptions options, CancellationToken cancellationToken)
    {
        var ns = (string?)pod["metadata"]?["namespace"] ?? "default";
        if (volume["emptyDir"] is JsonObject emptyDir)
        {
            if ((string?)emptyDir["medium"] == "Memory")
            {
                var size = KubeQuantity.Bytes((string?)emptyDir["sizeLimit"]);
                return Made(null, ",tmpfs-mode=1777" + (size is { } s ? ",tmpfs-size=" + s.ToString(CultureInfo.InvariantCulture) : ""), false);
            }

            Directory.CreateDirectory(path);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("777", 8)); // the kubelet's emptyDir is 0777
            }

            return Made(path, null, false);
        }

        var files = new List<(string Path, byte[] Content, int? Mode)>();
        int defaultMode;
        if (volume["configMap"] is JsonObject || volume["secret"] is JsonObject)
        {
            var isSecret = volume["secret"] is JsonObject;
            var source = (JsonObject)(volume["secret"] ?? volume["configMap"])!;
            defaultMode = JsonNumbers.Int(source["defaultMode"]) ?? 420;
            var added = AddObjectFiles(ns, isSecret ? "secrets" : "configmaps", source, isSecret ? (string?)source["secretName"] : (string?)source["name"], files, options);
            if (!added.IsSuccess)
            {
                return Fail<(string?, string?, bool)>(added.Error!);
            }
        }
        else if (volume["downwardAPI"] is JsonObject downward)
        {
            defaultMode = JsonNumbers.Int(downward["defaultMode"]) ?? 420;
            var added = AddDownwardFiles(pod, downward, files);
            if (!added.IsSuccess)
            {
                return Fail<(string?, string?, bool)>(added.Error!);
            }
        }
        else if (volume["projected"] is JsonObject projected)
        {
            defaultMode = JsonNumbers.Int(projected["defaultMode"]) ?? 420;
            foreach (var source in (projected["sources"] as JsonArray ?? []).OfType<JsonObject>())
            {
                StandInResult<bool> added;
                if (source["serviceAccountToken"] is JsonObject token)
                {
                    added = await AddTokenAsync(pod, token, files, options, cancellationToken);
                }
                else if (source["configMap"] is JsonObject cm)
                {
                    added = AddObjectFiles(ns, "configmaps", cm, (string?)cm["name"], files, options);
                }
                else if (source["secret"] is JsonObject secret)
                {
                    added = AddObjectFiles(ns, "secrets", secret, (string?)secret["name"], files, options);
                }
                else if (source["downwardAPI"] is JsonObject d)
                {
                    added = AddDownwardFiles(pod, d, files);
                }
                else
                {
                    added = StandInResult<bool>.Fail("unsupported projected source: " + string.Join(',', source.Select(p => p.Key)));
                }

                if (!added.IsSuccess)
                {
                    return Fail<(string?, string?, bool)>(added.Error!);
                }
            }
        }
        else
        {
            return Fail<(string?, string?, bool)>($"volume {volume["name"]}: the pod stand-in supports emptyDir, configMap, secret, downwardAPI and projected volumes, not "
                + string.Join(',', volume.Where(p => p.Key != "name").Select(p => p.Key)));
        }

        Directory.CreateDirectory(path);
        foreach (var (relative, content, mode) in files)
        {
            var file = Path.Combine(path, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, content, cancellationToken);
            var unixMode = mode ?? defaultMode;
            if (fsGroup is not null)
            {
                unixMode |= (unixMode & 0x100) != 0 ? 0x20 : 0; // the kubelet's SetVolumeOwnership: g+r where u+r
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, (UnixFileMode)unixMode);
            }
        }

        return Made(path, null, true);
    }

    private static StandInResult<bool> AddObjectFiles(
        string ns, string plural, JsonObject source, string? name, List<(string, byte[], int?)> files, PodmanPodOptions options)
    {
        var obj = options.Get("v1", plural, ns, name ?? "");
        var kind = plural == "secrets" ? "secret" : "configmap";
        if (obj is null && name == "kube-root-ca.crt" && plural == "configmaps" && options.ClusterCaCertificatePem is { } ca)
        {
            obj = new JsonObject { ["data"] = new JsonObject { ["ca.crt"] = ca } }; // what the root-CA publisher would publish
        }

        if (obj is null)
        {
            return (bool?)source["optional"] == true ? StandInResult<bool>.Ok(true) : StandInResult<bool>.Fail($"{kind} \"{name}\" not found");
        }

        var data = PodEnvironment.Data(obj, plural);
        var items = (source["items"] as JsonArray)?.OfType<JsonObject>().ToList();
        foreach (var (key, value) in data.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var item = items?.FirstOrDefault(i => (string?)i["key"] == key);
            if (items is not null && item is null)
            {
                continue;
            }

            files.Add(((string?)item?["path"] ?? key, Encoding.UTF8.GetBytes(value), JsonNumbers.Int(item?["mode"])));
        }

        foreach (var missing in items?.Where(i => !data.ContainsKey((string?)i["key"] ?? "")) ?? [])
        {
            if ((bool?)source["optional"] != true)
            {
                return StandInResult<bool>.Fail($"configmap references non-existent config key: {missing["key"]}");
            }
        }

        return StandInResult<bool>.Ok(true);
    }

    private static StandInResult<bool> AddDownwardFiles(JsonObject pod, JsonObject source, List<(string, byte[], int?)> files)
    {
        foreach (var item in (source["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((string?)item["fieldRef"]?["fieldPath"] is not { } fieldPath)
            {
                return StandInResult<bool>.Fail("downwardAPI item " + item["path"] + ": only fieldRef is supported by the pod stand-in");
            }

            var value = PodEnvironment.FieldRef(pod, fieldPath);
            if (!value.IsSuccess)
            {
                return StandInResult<bool>.Fail(value.Error!);
            }

            files.Add(((string?)item["path"] ?? "", Encoding.UTF8.GetBytes(value.Value!), JsonNumbers.Int(item["mode"])));
        }

        return StandInResult<bool>.Ok(true);
    }

    private static async Task<StandInResult<bool>> AddTokenAsync(
        JsonObject pod, JsonObject source, List<(string, byte[], int?)> files, PodmanPodOptions options, CancellationToken cancellationToken)
    {
        if (options.ServiceAccountTokenIssuer is not { } issue)
        {
            return StandInResult<bool>.Fail("failed to fetch token: the pod stand-in was given no service-account token issuer");
        }

        var metadata = pod["metadata"] as JsonObject ?? [];
        var request = new ServiceAccountTokenRequest(
            (string?)metadata["namespace"] ?? "default",
            (string?)metadata["name"] ?? "",
            (string?)metadata["uid"] ?? "",
            (string?)pod["spec"]?["serviceAccountName"] ?? "default",
            (string?)source["audience"],
            JsonNumbers.Long(source["expirationSeconds"]) ?? 3600);
        var token = await issue(request, cancellationToken);
        files.Add(((string?)source["path"] ?? "token", Encoding.UTF8.GetBytes(token), null));

        return StandInResult<bool>.Ok(true);
    }

    private static StandInResult<(string? HostPath, string? Tmpfs, bool ReadOnly)> Made(string? hostPath, string? tmpfs, bool readOnly) =>
        StandInResult<(string?, string?, bool)>.Ok((hostPath, tmpfs, readOnly));

    private static StandInResult<T> Fail<T>(string message) => StandInResult<T>.Fail(message);

    private static StandInResult<PreparedVolumes> Fail(string message) => StandInResult<PreparedVolumes>.Fail(message);
}
