using TinyImage.Kube;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Who may start a build now, a pure function of the caps, the builds running (one namespace per unfinished build
/// Job) and the builds waiting. Waiting builds are taken oldest first (by when they began waiting, then namespace and
/// name); one whose namespace is at its own cap is passed over, so it never holds up another namespace, and no
/// namespace takes more than its cap of the cluster-wide slots.
/// </summary>
internal static class BuildQueue
{
    /// <summary>Whether <paramref name="candidate"/> may start now, given the others in <paramref name="waiting"/>.</summary>
    public static BuildAdmission Decide(BuildCaps caps, IEnumerable<string?> running, IEnumerable<WaitingBuild> waiting, WaitingBuild candidate)
    {
        ArgumentNullException.ThrowIfNull(caps);
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(waiting);
        var line = Line(waiting.Where(w => w.Key != candidate.Key).Append(candidate));
        var (admitted, perNamespace) = Admit(caps, running, line);
        if (admitted.Contains(candidate.Key))
        {
            return new BuildAdmission(true, null, 0, [.. admitted.Where(k => k != candidate.Key)]);
        }

        var place = 1 + line.TakeWhile(w => w.Key != candidate.Key).Count(w => !admitted.Contains(w.Key));
        var inNamespace = perNamespace.GetValueOrDefault(candidate.Key.Namespace ?? "");
        var message = caps.PerNamespace > 0 && inNamespace >= caps.PerNamespace
            ? "waiting for a build slot: the per-namespace cap of " + caps.PerNamespace + " concurrent builds (--max-concurrent-builds-per-namespace) is reached in " + candidate.Key.Namespace + "; waiting builds start oldest first"
            : "waiting for a build slot: the cluster-wide cap of " + caps.ClusterWide + " concurrent builds (--max-concurrent-builds) is reached; waiting builds start oldest first";
        // The place in line and the running count stay out of the message (it goes to status): both change whenever any
        // build starts or finishes, and status would be rewritten for every waiting TinyImage each time.
        return new BuildAdmission(false, message, place, [.. admitted]);
    }

    /// <summary>The waiting builds that may start now (oldest first), e.g. after a running build finished.</summary>
    public static IReadOnlyList<ObjectKey> Next(BuildCaps caps, IEnumerable<string?> running, IEnumerable<WaitingBuild> waiting)
    {
        ArgumentNullException.ThrowIfNull(caps);
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(waiting);
        return [.. Admit(caps, running, Line(waiting)).Admitted];
    }

    private static List<WaitingBuild> Line(IEnumerable<WaitingBuild> waiting) =>
        [.. waiting
            .OrderBy(w => w.Since)
            .ThenBy(w => w.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(w => w.Key.Name, StringComparer.Ordinal)];

    private static (List<ObjectKey> Admitted, Dictionary<string, int> PerNamespace) Admit(BuildCaps caps, IEnumerable<string?> running, List<WaitingBuild> line)
    {
        var perNamespace = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        foreach (var ns in running)
        {
            total++;
            perNamespace[ns ?? ""] = perNamespace.GetValueOrDefault(ns ?? "") + 1;
        }

        var admitted = new List<ObjectKey>();
        foreach (var waiter in line)
        {
            if (caps.ClusterWide > 0 && total >= caps.ClusterWide)
            {
                break;
            }

            var ns = waiter.Key.Namespace ?? "";
            if (caps.PerNamespace > 0 && perNamespace.GetValueOrDefault(ns) >= caps.PerNamespace)
            {
                continue;
            }

            admitted.Add(waiter.Key);
            total++;
            perNamespace[ns] = perNamespace.GetValueOrDefault(ns) + 1;
        }

        return (admitted, perNamespace);
    }
}
