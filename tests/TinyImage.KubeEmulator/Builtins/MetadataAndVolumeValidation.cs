using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Builtins;

/// <summary>
/// Two rules of the real server the operator's build Job relies on. Annotations
/// (staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go <c>ValidateAnnotations</c>): every key a qualified
/// name (compared lowercased), and keys plus values at most <see cref="TotalAnnotationSizeLimitB"/> bytes in total; on an
/// object's metadata and on a pod template (pkg/apis/core/validation <c>ValidatePodTemplateSpec</c>:
/// <c>spec.template.annotations</c>). DownwardAPI volume files (pkg/apis/core/validation
/// <c>validateDownwardAPIVolumeSource</c>, <c>validateDownwardAPIVolumeFile</c>, <c>validateObjectFieldSelector</c>,
/// pkg/apis/core/pods <c>ConvertDownwardAPIFieldLabel</c>): a relative path without <c>..</c>, a fieldRef (apiVersion v1)
/// naming metadata.name, .namespace, .uid, .labels, .annotations or one label or annotation by a valid key, a mode
/// within 0777; the same for the downwardAPI sources of a projected volume. resourceFieldRef items are not carried
/// (the operator writes none): they are accepted unchecked.
/// </summary>
internal static class MetadataAndVolumeValidation
{
    public const int TotalAnnotationSizeLimitB = 256 * (1 << 10);

    private const string FileModeErrorMsg = "must be a number between 0 and 0777 (octal), both inclusive";

    /// <summary>The fieldPaths a downwardAPI volume may project (validVolumeDownwardAPIFieldPathExpressions), sorted.</summary>
    private static readonly string[] VolumeFieldPaths = ["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"];

    /// <summary>What ConvertDownwardAPIFieldLabel accepts for v1 without a subscript (spec.host becomes spec.nodeName).</summary>
    private static readonly HashSet<string> ConvertibleLabels =
    [
        "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
        "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs",
        "status.podIP", "status.podIPs", "spec.terminationGracePeriodSeconds",
    ];

    /// <summary>ValidateAnnotations of <paramref name="annotations"/> at <paramref name="path"/>.</summary>
    public static void Annotations(JsonObject? annotations, string path, List<FieldError> errors)
    {
        if (annotations is null)
        {
            return;
        }

        long total = 0;
        foreach (var (key, value) in annotations)
        {
            foreach (var message in Validation.QualifiedNameErrors(key.ToLowerInvariant()))
            {
                errors.Add(FieldError.Invalid(path, key, message));
            }

            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)value ?? "" : "");
        }

        if (total > TotalAnnotationSizeLimitB)
        {
            errors.Add(FieldError.TooLong(path, TotalAnnotationSizeLimitB));
        }
    }

    /// <summary>The downwardAPI rules for every volume of <paramref name="podSpec"/> (at <paramref name="specPath"/>).</summary>
    public static void Volumes(JsonObject? podSpec, string specPath, List<FieldError> errors)
    {
        var index = 0;
        foreach (var volume in podSpec?["volumes"] as JsonArray ?? [])
        {
            var volumePath = specPath + ".volumes[" + index++ + "]";
            if (volume?["downwardAPI"] is JsonObject downward)
            {
                var path = volumePath + ".downwardAPI";
                Mode(downward["defaultMode"], path + ".defaultMode", errors);
                foreach (var item in downward["items"] as JsonArray ?? [])
                {
                    File(item as JsonObject ?? [], path, errors);
                }
            }

            var source = 0;
            foreach (var projection in volume?["projected"]?["sources"] as JsonArray ?? [])
            {
                var path = volumePath + ".projected.sources[" + source++ + "].downwardAPI";
                foreach (var item in projection?["downwardAPI"]?["items"] as JsonArray ?? [])
                {
                    File(item as JsonObject ?? [], path, errors);
                }
            }
        }
    }

    /// <summary>validateDownwardAPIVolumeFile: the errors name the volume source's path, not the item's index (as upstream).</summary>
    private static void File(JsonObject file, string path, List<FieldError> errors)
    {
        var filePath = (string?)file["path"] ?? "";
        if (filePath.Length == 0)
        {
            errors.Add(FieldError.Required(path + ".path"));
        }

        LocalNonReservedPath(filePath, path + ".path", errors);
        if (file["fieldRef"] is JsonObject fieldRef)
        {
            ObjectFieldSelector(fieldRef, path + ".fieldRef", errors);
            if (file["resourceFieldRef"] is JsonObject)
            {
                errors.Add(FieldError.Invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
            }
        }
        else if (file["resourceFieldRef"] is not JsonObject)
        {
            errors.Add(FieldError.Required(path, "one of fieldRef and resourceFieldRef is required"));
        }

        Mode(file["mode"], path + ".mode", errors);
    }

    private static void Mode(JsonNode? mode, string path, List<FieldError> errors)
    {
        if (JsonNumbers.Long(mode) is { } m && (m > 511 || m < 0))
        {
            errors.Add(FieldError.Invalid(path, mode, FileModeErrorMsg));
        }
    }

    /// <summary>validateObjectFieldSelector with the volume's expressions.</summary>
    private static void ObjectFieldSelector(JsonObject fieldRef, string path, List<FieldError> errors)
    {
        var apiVersion = (string?)fieldRef["apiVersion"] ?? "";
        var fieldPath = (string?)fieldRef["fieldPath"] ?? "";
        if (apiVersion.Length == 0)
        {
            errors.Add(FieldError.Required(path + ".apiVersion"));
            return;
        }

        if (fieldPath.Length == 0)
        {
            errors.Add(FieldError.Required(path + ".fieldPath"));
            return;
        }

        if (Convert(apiVersion, fieldPath) is { Error: { } error })
        {
            errors.Add(FieldError.Invalid(path + ".fieldPath", fieldPath, "error converting fieldPath: " + error));
            return;
        }

        var internalPath = fieldPath == "spec.host" ? "spec.nodeName" : fieldPath;
        if (SplitMaybeSubscriptedPath(internalPath) is { } split)
        {
            var messages = split.Path switch
            {
                "metadata.annotations" => Validation.QualifiedNameErrors(split.Subscript.ToLowerInvariant()),
                "metadata.labels" => Validation.QualifiedNameErrors(split.Subscript),
                _ => ["does not support subscript"],
            };
            foreach (var message in messages)
            {
                errors.Add(split.Path is "metadata.annotations" or "metadata.labels"
                    ? FieldError.Invalid(path, split.Subscript, message)
                    : FieldError.Invalid(path, split.Path, message));
            }
        }
        else if (!VolumeFieldPaths.Contains(internalPath, StringComparer.Ordinal))
        {
            errors.Add(FieldError.NotSupported(path + ".fieldPath", internalPath, VolumeFieldPaths));
        }
    }

    /// <summary>ConvertDownwardAPIFieldLabel's error for (version, label), or none.</summary>
    private static (string? Error, bool Ok) Convert(string version, string label)
    {
        if (version != "v1")
        {
            return ("unsupported pod version: " + version, false);
        }

        if (SplitMaybeSubscriptedPath(label) is { } split)
        {
            return split.Path is "metadata.annotations" or "metadata.labels" ? (null, true) : ("field label does not support subscript: " + label, false);
        }

        return ConvertibleLabels.Contains(label) || label == "spec.host" ? (null, true) : ("field label not supported: " + label, false);
    }

    /// <summary>fieldpath.SplitMaybeSubscriptedPath: <c>PATH['SUBSCRIPT']</c>, or null for an unsubscripted path.</summary>
    private static (string Path, string Subscript)? SplitMaybeSubscriptedPath(string fieldPath)
    {
        if (!fieldPath.EndsWith("']", StringComparison.Ordinal))
        {
            return null;
        }

        var s = fieldPath[..^2];
        var open = s.IndexOf("['", StringComparison.Ordinal);
        return open <= 0 ? null : (s[..open], s[(open + 2)..]);
    }

    /// <summary>validateLocalNonReservedPath: relative, no <c>..</c> element, not starting with <c>..</c>.</summary>
    private static void LocalNonReservedPath(string target, string path, List<FieldError> errors)
    {
        if (target.StartsWith('/'))
        {
            errors.Add(FieldError.Invalid(path, target, "must be a relative path"));
        }

        if (target.Split('/').Contains(".."))
        {
            errors.Add(FieldError.Invalid(path, target, "must not contain '..'"));
        }

        if (target.StartsWith("..", StringComparison.Ordinal) && !target.StartsWith("../", StringComparison.Ordinal))
        {
            errors.Add(FieldError.Invalid(path, target, "must not start with '..'"));
        }
    }
}
