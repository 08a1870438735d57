using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// Assembles the final stage of a Containerfile around a prebuilt binary, as Kaniko would for
/// <c>FROM scratch</c> + <c>COPY --from=build .../release/BIN /bin/BIN</c>: one gzip layer holding the directory
/// <c>bin/</c> and the file <c>bin/BIN</c> (plus, for a WORKDIR other than / or /bin, the layer Kaniko snapshots with
/// the directory it creates), a config carrying Entrypoint/Cmd/User/WorkingDir/ExposedPorts/Env/Labels
/// and one history entry, and a Docker v2 schema 2 manifest. With <c>--reproducible</c> every timestamp is the epoch,
/// so the same binary and Containerfile give the same digest.
/// </summary>
public static class OciImageWriter
{
    /// <summary>Builds the image.</summary>
    /// <param name="stage">The parsed final stage.</param>
    /// <param name="binary">The prebuilt binary's bytes.</param>
    /// <param name="binaryMode">The binary file's mode when the stage has no COPY --chmod.</param>
    /// <param name="extraLabels">Kaniko <c>--label</c> values.</param>
    /// <param name="created">The build time; ignored when <paramref name="reproducible"/>.</param>
    /// <param name="reproducible">Kaniko <c>--reproducible</c>.</param>
    /// <param name="createdBy">The COPY instruction, for the history entry.</param>
    public static OciImage Build(
        FinalStageImage stage,
        byte[] binary,
        int binaryMode,
        IReadOnlyDictionary<string, string> extraLabels,
        DateTimeOffset created,
        bool reproducible,
        string createdBy)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(binary);
        ArgumentNullException.ThrowIfNull(extraLabels);
        var time = reproducible ? DateTimeOffset.UnixEpoch : created.ToUniversalTime();
        var layers = new List<(byte[] Tar, string CreatedBy)> { (LayerTar(stage, binary, binaryMode, time), createdBy) };
        if (WorkdirTar(stage.WorkingDir, time) is { } workdir)
        {
            // Kaniko's WORKDIR creates a missing directory and snapshots it: one more layer, holding only that directory.
            layers.Insert(stage.WorkdirBeforeCopy ? 0 : 1, (workdir, "WORKDIR " + stage.WorkingDir));
        }

        var diffIds = layers.Select(l => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(l.Tar))).ToList();
        var blobs = layers.Select(l => Gzip(l.Tar)).ToList();
        var config = Config(stage, extraLabels, diffIds, time, [.. layers.Select(l => l.CreatedBy)]);
        var manifest = Manifest(config, blobs);
        return new OciImage(blobs, diffIds, config, manifest);
    }

    private static byte[] LayerTar(FinalStageImage stage, byte[] binary, int binaryMode, DateTimeOffset time)
    {
        using var ms = new MemoryStream();
        using (var writer = new TarWriter(ms, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var dir = new UstarTarEntry(TarEntryType.Directory, "bin/")
            {
                Mode = (UnixFileMode)Convert.ToInt32("755", 8),
                ModificationTime = time,
                Uid = 0,
                Gid = 0,
            };
            writer.WriteEntry(dir);
            var file = new UstarTarEntry(TarEntryType.RegularFile, "bin/" + stage.Binary)
            {
                Mode = (UnixFileMode)(stage.Mode ?? binaryMode),
                ModificationTime = time,
                Uid = stage.Owner.Uid,
                Gid = stage.Owner.Gid,
                DataStream = new MemoryStream(binary, writable: false),
            };
            writer.WriteEntry(file);
        }

        return ms.ToArray();
    }

    /// <summary>
    /// A cache image as Kaniko pushes one per RUN step to <c>--cache-repo</c> (tagged with the step's key): one layer
    /// holding <paramref name="files"/>, a config with one history entry <paramref name="createdBy"/>, epoch timestamps.
    /// </summary>
    public static OciImage CacheLayer(IReadOnlyDictionary<string, byte[]> files, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(createdBy);
        using var ms = new MemoryStream();
        using (var writer = new TarWriter(ms, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (path, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, path.TrimStart('/'))
                {
                    Mode = (UnixFileMode)Convert.ToInt32("644", 8),
                    ModificationTime = DateTimeOffset.UnixEpoch,
                    DataStream = new MemoryStream(content, writable: false),
                });
            }
        }

        var tar = ms.ToArray();
        var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar));
        var blob = Gzip(tar);
        using var cs = new MemoryStream();
        using (var w = new Utf8JsonWriter(cs))
        {
            w.WriteStartObject();
            w.WriteString("architecture", "amd64");
            w.WriteString("created", "1970-01-01T00:00:00Z");
            w.WriteStartArray("history");
            w.WriteStartObject();
            w.WriteString("created", "1970-01-01T00:00:00Z");
            w.WriteString("created_by", createdBy);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("os", "linux");
            w.WriteStartObject("rootfs");
            w.WriteString("type", "layers");
            w.WriteStartArray("diff_ids");
            w.WriteStringValue(diffId);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("config");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        var config = cs.ToArray();
        return new OciImage([blob], [diffId], config, Manifest(config, [blob]));
    }

    /// <summary>The directory WORKDIR creates (with its parents), or null when it needs none (/, /bin).</summary>
    private static byte[]? WorkdirTar(string? workingDir, DateTimeOffset time)
    {
        var parts = (workingDir ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || workingDir is "/bin" or "/bin/")
        {
            return null;
        }

        using var ms = new MemoryStream();
        using (var writer = new TarWriter(ms, TarEntryFormat.Ustar, leaveOpen: true))
        {
            for (var i = 1; i <= parts.Length; i++)
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, string.Join('/', parts[..i]) + "/")
                {
                    Mode = (UnixFileMode)Convert.ToInt32("755", 8),
                    ModificationTime = time,
                });
            }
        }

        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] tar)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(tar);
        }

        return ms.ToArray();
    }

    private static byte[] Config(FinalStageImage stage, IReadOnlyDictionary<string, string> extraLabels, IReadOnlyList<string> diffIds, DateTimeOffset time, IReadOnlyList<string> createdBy)
    {
        var stamp = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("architecture", "amd64");
            w.WriteString("created", stamp);
            w.WriteStartArray("history");
            foreach (var by in createdBy)
            {
                w.WriteStartObject();
                w.WriteString("created", stamp);
                w.WriteString("created_by", by);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("os", "linux");
            w.WriteStartObject("rootfs");
            w.WriteString("type", "layers");
            w.WriteStartArray("diff_ids");
            foreach (var d in diffIds)
            {
                w.WriteStringValue(d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("config");
            WriteList(w, "Cmd", stage.Cmd);
            WriteList(w, "Entrypoint", stage.Entrypoint);
            WriteList(w, "Env", stage.Env.Count == 0 ? null : stage.Env);
            if (stage.ExposedPorts.Count > 0)
            {
                w.WriteStartObject("ExposedPorts");
                foreach (var p in stage.ExposedPorts.Distinct().Order(StringComparer.Ordinal))
                {
                    w.WriteStartObject(p);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in stage.Labels)
            {
                labels[k] = v;
            }

            foreach (var (k, v) in extraLabels)
            {
                labels[k] = v;
            }

            if (labels.Count > 0)
            {
                w.WriteStartObject("Labels");
                foreach (var (k, v) in labels)
                {
                    w.WriteString(k, v);
                }

                w.WriteEndObject();
            }

            if (stage.User is not null)
            {
                w.WriteString("User", stage.User);
            }

            if (stage.WorkingDir is not null)
            {
                w.WriteString("WorkingDir", stage.WorkingDir);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return ms.ToArray();
    }

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static byte[] Manifest(byte[] config, IReadOnlyList<byte[]> layers)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", OciImage.ManifestMediaType);
            w.WriteStartObject("config");
            w.WriteString("mediaType", OciImage.ConfigMediaType);
            w.WriteNumber("size", config.LongLength);
            w.WriteString("digest", OciImage.DigestOf(config));
            w.WriteEndObject();
            w.WriteStartArray("layers");
            foreach (var layer in layers)
            {
                w.WriteStartObject();
                w.WriteString("mediaType", OciImage.LayerMediaType);
                w.WriteNumber("size", layer.LongLength);
                w.WriteString("digest", OciImage.DigestOf(layer));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return ms.ToArray();
    }
}
