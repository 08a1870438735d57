using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>Which ConfigMap or Secret key a file path inside a container comes from, following its volume mounts.</summary>
/// <param name="Kind"><c>configMap</c> or <c>secret</c>.</param>
/// <param name="ObjectName">The ConfigMap's or Secret's name.</param>
/// <param name="Key">The data key that becomes the file.</param>
/// <param name="Optional">The volume is optional (a missing object gives an empty directory instead of a stuck pod).</param>
public sealed record MountedFile(string Kind, string ObjectName, string Key, bool Optional)
{
    /// <summary>
    /// Resolves <paramref name="path"/> in <paramref name="container"/> of <paramref name="podSpec"/>: the longest mount
    /// path that holds it, the volume of that mount, and the key (by the volume's <c>items</c>, else the file name).
    /// Null when no ConfigMap or Secret volume holds the path.
    /// </summary>
    public static StandInResult<MountedFile?> Resolve(JsonObject podSpec, JsonObject container, string path)
    {
        ArgumentNullException.ThrowIfNull(podSpec);
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(path);
        JsonObject? best = null;
        var bestLength = -1;
        foreach (var m in (container["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var mountPath = ((string?)m["mountPath"] ?? "").TrimEnd('/');
            if ((path == mountPath || path.StartsWith(mountPath + "/", StringComparison.Ordinal)) && mountPath.Length > bestLength)
            {
                best = m;
                bestLength = mountPath.Length;
            }
        }

        if (best is null)
        {
            return StandInResult<MountedFile?>.Ok(null);
        }

        var volumeName = (string?)best["name"];
        var volume = (podSpec["volumes"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(v => (string?)v["name"] == volumeName);
        if (volume is null)
        {
            return StandInResult<MountedFile?>.Fail($"volumeMount {volumeName} names no volume of the pod (the API server would reject this pod)");
        }

        var mountPathOfBest = ((string?)best["mountPath"] ?? "").TrimEnd('/');
        var relative = path == mountPathOfBest ? "" : path[(mountPathOfBest.Length + 1)..];
        if ((string?)best["subPath"] is { Length: > 0 } subPath)
        {
            relative = relative.Length == 0 ? subPath : subPath + "/" + relative;
        }

        var (kind, source, nameField) = volume["configMap"] is JsonObject cm ? ("configMap", cm, "name")
            : volume["secret"] is JsonObject s ? ("secret", s, "secretName")
            : (null, null, null);
        if (kind is null || source is null)
        {
            return StandInResult<MountedFile?>.Ok(null);
        }

        var objectName = (string?)source[nameField!] ?? "";
        var optional = (bool?)source["optional"] ?? false;
        if (source["items"] is JsonArray items)
        {
            var item = items.OfType<JsonObject>().FirstOrDefault(i => (string?)i["path"] == relative);
            return item is null
                ? StandInResult<MountedFile?>.Fail($"{path}: the {kind} volume {volumeName} projects no item to {relative}")
                : StandInResult<MountedFile?>.Ok(new MountedFile(kind, objectName, (string)item["key"]!, optional));
        }

        return relative.Contains('/', StringComparison.Ordinal) || relative.Length == 0
            ? StandInResult<MountedFile?>.Fail($"{path}: not a file of the {kind} volume {volumeName}")
            : StandInResult<MountedFile?>.Ok(new MountedFile(kind, objectName, relative, optional));
    }
}
