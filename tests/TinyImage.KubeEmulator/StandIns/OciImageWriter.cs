using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// Assembles the final stage of a Containerfile around a prebuilt binary, as Kaniko would for
/// <c>FROM scratch</c> + <c>COPY --from=build .../release/BIN /bin/BIN</c>: one gzip layer holding the directory
/// <c>bin/</c> and the file <c>bin/BIN</c>, a config carrying Entrypoint/Cmd/User/WorkingDir/ExposedPorts/Env/Labels
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
        var tar = LayerTar(stage, binary, binaryMode, time);
        var diffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar));
        var layer = Gzip(tar);
        var config = Config(stage, extraLabels, diffId, time, createdBy);
        var manifest = Manifest(config, layer);
        return new OciImage(layer, diffId, config, manifest);
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

    private static byte[] Gzip(byte[] tar)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(tar);
        }

        return ms.ToArray();
    }

    private static byte[] Config(FinalStageImage stage, IReadOnlyDictionary<string, string> extraLabels, string diffId, DateTimeOffset time, string createdBy)
    {
        var stamp = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("architecture", "amd64");
            w.WriteString("created", stamp);
            w.WriteStartArray("history");
            w.WriteStartObject();
            w.WriteString("created", stamp);
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

    private static byte[] Manifest(byte[] config, byte[] layer)
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
            w.WriteStartObject();
            w.WriteString("mediaType", OciImage.LayerMediaType);
            w.WriteNumber("size", layer.LongLength);
            w.WriteString("digest", OciImage.DigestOf(layer));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return ms.ToArray();
    }
}
