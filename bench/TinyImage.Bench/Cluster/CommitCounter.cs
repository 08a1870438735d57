using System.Collections.Concurrent;
using System.Text.Json;

namespace TinyImage.Bench.Cluster;

/// <summary>
/// Counts the emulator's commits per resource and event type (ADDED, MODIFIED, DELETED) in namespace <c>bench</c>, with
/// one watch per resource opened at a given resourceVersion: whose writes they are (the operator's, or the emulator's own
/// controllers') is not told apart, only what was written. The watches cost the emulator CPU (every commit is sent once
/// more), so a run that counts is not a run that measures CPU.
/// </summary>
internal sealed class CommitCounter : IAsyncDisposable
{
    /// <summary>Every namespaced resource a TinyImage run writes to, as API paths of namespace <c>bench</c>.</summary>
    public static readonly IReadOnlyList<string> Resources =
    [
        BenchCluster.TinyImages,
        "/api/v1/namespaces/bench/configmaps",
        "/api/v1/namespaces/bench/services",
        "/api/v1/namespaces/bench/pods",
        "/api/v1/namespaces/bench/events",
        "/apis/events.k8s.io/v1/namespaces/bench/events",
        "/apis/batch/v1/namespaces/bench/jobs",
        "/apis/apps/v1/namespaces/bench/deployments",
        "/apis/apps/v1/namespaces/bench/replicasets",
    ];

    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> loops = [];

    /// <summary>Count per <c>resource TYPE</c> (e.g. <c>pods MODIFIED</c>).</summary>
    public IReadOnlyDictionary<string, int> Counts => counts;

    public static CommitCounter Start(KubeApi api, long resourceVersion)
    {
        var counter = new CommitCounter();
        foreach (var path in Resources)
        {
            counter.loops.Add(Task.Run(() => counter.WatchAsync(api, path, resourceVersion, counter.stop.Token)));
        }

        return counter;
    }

    private async Task WatchAsync(KubeApi api, string path, long resourceVersion, CancellationToken cancellationToken)
    {
        var resource = path[(path.LastIndexOf('/') + 1)..];
        if (path.Contains("events.k8s.io", StringComparison.Ordinal))
        {
            resource = "events.k8s.io";
        }

        try
        {
            await using var stream = await api.Http.GetStreamAsync(new Uri($"{path}?watch=true&resourceVersion={resourceVersion}", UriKind.Relative), cancellationToken);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length > 0)
                {
                    using var doc = JsonDocument.Parse(line);
                    counts.AddOrUpdate(resource + " " + doc.RootElement.GetProperty("type").GetString(), 1, (_, n) => n + 1);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
        catch (HttpRequestException)
        {
            // the resource is not served (or the emulator went away): nothing to count
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        stop.Dispose();
    }
}
