namespace TinyImage.KubeEmulator;

/// <summary>Fake container logs served at <c>GET /api/v1/namespaces/{ns}/pods/{name}/log</c>.</summary>
public sealed class PodLogs
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Ns, string Pod, string Container), string> _logs = [];

    /// <summary>Sets the whole log of one container (use <c>""</c> as container for "the pod's only container").</summary>
    public void Set(string ns, string pod, string container, string text)
    {
        lock (_gate)
        {
            _logs[(ns, pod, container)] = text;
        }
    }

    /// <summary>Appends to the log of one container.</summary>
    public void Append(string ns, string pod, string container, string text)
    {
        lock (_gate)
        {
            _logs[(ns, pod, container)] = (_logs.TryGetValue((ns, pod, container), out var old) ? old : "") + text;
        }
    }

    /// <summary>The log of one container, or the empty string.</summary>
    public string Get(string ns, string pod, string container)
    {
        lock (_gate)
        {
            return _logs.TryGetValue((ns, pod, container), out var text) ? text
                : _logs.TryGetValue((ns, pod, ""), out var any) ? any
                : "";
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of a log, as <c>tailLines</c> selects them.</summary>
    public static string Tail(string text, int lines)
    {
        if (lines < 0)
        {
            return text;
        }

        var all = text.Split('\n');
        var trailingNewline = text.EndsWith('\n');
        var content = trailingNewline ? all[..^1] : all;
        var kept = content.Skip(Math.Max(0, content.Length - lines)).ToArray();
        var joined = string.Join('\n', kept);
        return trailingNewline && kept.Length > 0 ? joined + "\n" : joined;
    }
}
