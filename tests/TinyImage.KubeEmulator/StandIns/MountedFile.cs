using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>Which ConfigMap or Secret key, or which downward-API field, a file path inside a container comes from, following its volume mounts.</summary>
/// <param name="Kind"><c>configMap</c>, <c>secret</c> or <c>downwardAPI</c>.</param>
/// <param name="ObjectName">The ConfigMap's or Secret's name (empty for downwardAPI: the pod itself).</param>
/// <param name="Key">The data key that becomes the file; for downwardAPI the item's <c>fieldRef.fieldPath</c>.</param>
/// <param name="Optional">The volume is optional (a missing object gives an empty directory instead of a stuck pod).</param>
public sealed record MountedFile(string Kind, string ObjectName, string Key, bool Optional)
{
    /// <summary>
    /// Resolves <paramref name="path"/> in <paramref name="container"/> of <paramref name="podSpec"/>: the longest mount
    /// path that holds it, the volume of that mount, and the key (by the volume's <c>items</c>, else the file name).
    /// For a downwardAPI volume, the item projected to that path (only fieldRef items: what a resourceFieldRef would give
    /// depends on the container's resources, which no stand-in reads). Null when no ConfigMap, Secret or downwardAPI volume
    /// holds the path.
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

        if (volume["downwardAPI"] is JsonObject downward)
        {
            var item = (downward["items"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(i => (string?)i["path"] == relative);
            return item?["fieldRef"]?["fieldPath"] is JsonValue fieldPath
                ? StandInResult<MountedFile?>.Ok(new MountedFile("downwardAPI", "", (string)fieldPath!, false))
                : StandInResult<MountedFile?>.Fail($"{path}: the downwardAPI volume {volumeName} projects no fieldRef item to {relative}");
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
