using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator;

/// <summary>
/// One Pod Security Standards check (staging/src/k8s.io/pod-security-admission/policy/check_*.go): its ID (the order
/// of the forbidden reasons follows the sorted IDs, baseline first), its level, the baseline check a restricted one
/// replaces, and the test: pod metadata and spec in, null when allowed or the reason and detail when forbidden.
/// </summary>
internal sealed record PodSecurityCheck(
    string Id,
    PodSecurityLevel Level,
    Func<JsonObject, JsonObject, (string Reason, string Detail)?> Evaluate,
    string? Overrides = null);
