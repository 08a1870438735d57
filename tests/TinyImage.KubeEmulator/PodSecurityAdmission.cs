using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TinyImage.KubeEmulator;

/// <summary>
/// The PodSecurity admission plugin's enforce mode (staging/src/k8s.io/pod-security-admission/admission/admission.go,
/// api/helpers.go): a pod created in a namespace labelled <c>pod-security.kubernetes.io/enforce</c> (with an optional
/// <c>-version</c>) is refused with 403 when it breaks the level. Workload resources (Deployments, Jobs) are never
/// refused: upstream only warns and audits them, so their pods are refused when their controller creates them.
/// Pod updates are checked only when they are significant (container count or image changed), as upstream.
/// </summary>
internal static partial class PodSecurityAdmission
{
    public const string EnforceLabel = "pod-security.kubernetes.io/enforce";
    public const string EnforceVersionLabel = "pod-security.kubernetes.io/enforce-version";

    /// <summary>The refusal of a pod create, or null when the namespace's enforce level allows it.</summary>
    public static ApiResult? ValidateCreate(ResourceType podType, JsonObject? ns, JsonObject pod) =>
        Validate(podType, ns, pod);

    /// <summary>The refusal of a pod update, or null when allowed or not significant.</summary>
    public static ApiResult? ValidateUpdate(ResourceType podType, JsonObject? ns, JsonObject pod, JsonObject oldPod) =>
        IsSignificantUpdate(pod, oldPod) ? Validate(podType, ns, pod) : null;

    /// <summary>The forbidden detail for a pod under a level ("" when allowed), as <c>AggregateCheckResult.ForbiddenDetail</c> formats it.</summary>
    public static string ForbiddenDetail(PodSecurityLevel level, JsonObject pod)
    {
        if (level == PodSecurityLevel.Privileged)
        {
            return "";
        }

        var meta = pod["metadata"] as JsonObject ?? [];
        var spec = pod["spec"] as JsonObject ?? [];
        var overridden = level == PodSecurityLevel.Restricted
            ? PodSecurityChecks.All.Select(c => c.Overrides).OfType<string>().ToHashSet()
            : [];
        var parts = new List<string>();
        foreach (var check in PodSecurityChecks.All)
        {
            if (check.Level > level || overridden.Contains(check.Id) || check.Evaluate(meta, spec) is not { } failed)
            {
                continue;
            }

            parts.Add(failed.Detail.Length == 0 ? failed.Reason : $"{failed.Reason} ({failed.Detail})");
        }

        return string.Join(", ", parts);
    }

    /// <summary>
    /// The enforce level and version a namespace's labels ask for, as <c>PolicyToEvaluate</c> resolves them: no label
    /// means privileged:latest; an unparseable level becomes restricted and an unparseable version latest (fail closed).
    /// </summary>
    public static (PodSecurityLevel Level, string Version) EnforcePolicy(JsonObject? labels)
    {
        var level = PodSecurityLevel.Privileged;
        var version = "latest";
        if (labels?[EnforceLabel] is { } l)
        {
            level = ParseLevel((string?)l) ?? PodSecurityLevel.Restricted;
        }

        if (labels?[EnforceVersionLabel] is { } v && VersionValid((string?)v))
        {
            version = (string)v!;
        }

        return (level, version);
    }

    /// <summary>
    /// The refusal of a namespace create or update whose pod-security labels do not parse (ValidateNamespace): on create
    /// always, on update only when the errors changed. 422 with one cause per label, worded as field.Invalid.
    /// </summary>
    public static ApiResult? ValidateNamespace(ResourceType namespaceType, JsonObject ns, JsonObject? old)
    {
        var errors = LabelErrors(ns["metadata"]?["labels"] as JsonObject);
        if (errors.Count == 0 || (old is not null && LabelErrors(old["metadata"]?["labels"] as JsonObject) is { Count: > 0 } before && before.SequenceEqual(errors)))
        {
            return null;
        }

        var name = (string?)ns["metadata"]?["name"] ?? "";
        var causes = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = e.Message, ["field"] = e.Field })]);
        var list = errors.Select(e => e.Field + ": " + e.Message).ToList();
        var details = ApiErrors.Details(namespaceType, name);
        details["kind"] = namespaceType.Kind;
        details["causes"] = causes;
        return ApiErrors.Status(422, "Invalid", $"{namespaceType.Kind} \"{name}\" is invalid: {(list.Count == 1 ? list[0] : "[" + string.Join(", ", list) + "]")}", details);
    }

    private static List<(string Field, string Message)> LabelErrors(JsonObject? labels)
    {
        var errors = new List<(string, string)>();
        foreach (var mode in new[] { "enforce", "audit", "warn" })
        {
            var levelLabel = "pod-security.kubernetes.io/" + mode;
            if (labels?[levelLabel] is { } level && ParseLevel((string?)level) is null)
            {
                errors.Add(($"metadata.labels[{levelLabel}]", $"Invalid value: \"{(string?)level}\": must be one of privileged, baseline, restricted"));
            }

            if (labels?[levelLabel + "-version"] is { } version && !VersionValid((string?)version))
            {
                errors.Add(($"metadata.labels[{levelLabel}-version]", $"Invalid value: \"{(string?)version}\": must be \"latest\" or \"v1.x\""));
            }
        }

        return errors;
    }

    private static PodSecurityLevel? ParseLevel(string? value) => value switch
    {
        "privileged" => PodSecurityLevel.Privileged,
        "baseline" => PodSecurityLevel.Baseline,
        "restricted" => PodSecurityLevel.Restricted,
        _ => null,
    };

    private static bool VersionValid(string? value) => value == "latest" || (value is not null && VersionPattern().IsMatch(value));

    private static ApiResult? Validate(ResourceType podType, JsonObject? ns, JsonObject pod)
    {
        var (level, version) = EnforcePolicy(ns?["metadata"]?["labels"] as JsonObject);
        var detail = ForbiddenDetail(level, pod);
        if (detail.Length == 0)
        {
            return null;
        }

        var name = (string?)pod["metadata"]?["name"] ?? "";
        var policy = level.ToString().ToLowerInvariant() + ":" + version;
        return ApiErrors.Forbidden(podType, name, $"violates PodSecurity \"{policy}\": {detail}");
    }

    private static bool IsSignificantUpdate(JsonObject pod, JsonObject oldPod)
    {
        foreach (var field in new[] { "containers", "initContainers" })
        {
            var now = pod["spec"]?[field] as JsonArray ?? [];
            var before = oldPod["spec"]?[field] as JsonArray ?? [];
            if (now.Count != before.Count)
            {
                return true;
            }

            for (var i = 0; i < now.Count; i++)
            {
                if ((string?)now[i]?["image"] != (string?)before[i]?["image"])
                {
                    return true;
                }
            }
        }

        var oldEphemeral = (oldPod["spec"]?["ephemeralContainers"] as JsonArray ?? []).OfType<JsonObject>().ToDictionary(c => (string?)c["name"] ?? "", c => (string?)c["image"]);
        return (pod["spec"]?["ephemeralContainers"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => !oldEphemeral.TryGetValue((string?)c["name"] ?? "", out var image) || image != (string?)c["image"]);
    }

    [GeneratedRegex(@"^v1\.([0-9]|[1-9][0-9]*)$")]
    private static partial Regex VersionPattern();
}
