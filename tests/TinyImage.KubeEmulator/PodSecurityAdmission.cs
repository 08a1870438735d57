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
    /// The enforce level and version a namespace's labels ask for: none means privileged; an invalid level or
    /// version fails closed to restricted:latest, as <c>PolicyToEvaluate</c> does.
    /// </summary>
    public static (PodSecurityLevel Level, string Version) EnforcePolicy(JsonObject? labels)
    {
        var level = PodSecurityLevel.Privileged;
        var version = "latest";
        var valid = true;
        if (labels?[EnforceLabel] is { } l)
        {
            switch ((string?)l)
            {
                case "privileged":
                    level = PodSecurityLevel.Privileged;
                    break;
                case "baseline":
                    level = PodSecurityLevel.Baseline;
                    break;
                case "restricted":
                    level = PodSecurityLevel.Restricted;
                    break;
                default:
                    valid = false;
                    break;
            }
        }

        if (labels?[EnforceVersionLabel] is { } v)
        {
            var text = (string?)v ?? "";
            if (text == "latest" || VersionPattern().IsMatch(text))
            {
                version = text;
            }
            else
            {
                valid = false;
            }
        }

        return valid ? (level, version) : (PodSecurityLevel.Restricted, "latest");
    }

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

    [GeneratedRegex(@"^v1\.(0|[1-9][0-9]*)$")]
    private static partial Regex VersionPattern();
}
