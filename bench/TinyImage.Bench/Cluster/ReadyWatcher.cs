using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace TinyImage.Bench.Cluster;

/// <summary>
/// Watches TinyImages (one watch, resumed when it ends) and keeps, per object, its generation, observedGeneration and
/// whether Ready is True for the current generation, with the harness time it was first seen Ready.
/// </summary>
internal sealed class ReadyWatcher : IAsyncDisposable
{
    private readonly KubeApi api;
    private readonly string path;
    private readonly ConcurrentDictionary<string, State> objects = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;
    private int ready;

    public ReadyWatcher(KubeApi api, string path)
    {
        this.api = api;
        this.path = path;
    }

    /// <summary>Ready: the Ready condition is True and observedGeneration is the generation (an older digest may still be serving
    /// while a new build runs); <see cref="Phase"/> <c>Ready</c> means the current spec's image is verified and serving.</summary>
    internal sealed record State(long Generation, long ObservedGeneration, bool Ready, string? Phase, long FirstReadyTimestamp);

    public int ReadyCount => Volatile.Read(ref ready);

    public State? Get(string name) => objects.TryGetValue(name, out var s) ? s : null;

    public IReadOnlyCollection<State> All => [.. objects.Values];

    /// <summary>Every TinyImage seen, by name.</summary>
    public IReadOnlyCollection<KeyValuePair<string, State>> Named => [.. objects];

    public void Start() => loop = Task.Run(() => RunAsync(stop.Token));

    /// <summary>Polls <paramref name="condition"/> every 5 ms until it holds; false on timeout.</summary>
    public async Task<bool> WaitAsync(Func<ReadyWatcher, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!condition(this))
        {
            if (watch.Elapsed > timeout || loop.IsFaulted)
            {
                return false;
            }

            await Task.Delay(5, cancellationToken);
        }

        return true;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var rv = "0";
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var stream = await api.Http.GetStreamAsync(new Uri($"{path}?watch=true&allowWatchBookmarks=true&resourceVersion={rv}", UriKind.Relative), cancellationToken);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (line.Length > 0)
                    {
                        rv = Handle(line) ?? rv;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private string? Handle(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var type = doc.RootElement.GetProperty("type").GetString();
        var obj = doc.RootElement.GetProperty("object");
        var meta = obj.GetProperty("metadata");
        var rv = meta.TryGetProperty("resourceVersion", out var r) ? r.GetString() : null;
        if (type is not ("ADDED" or "MODIFIED"))
        {
            return rv;
        }

        var name = meta.GetProperty("name").GetString()!;
        var generation = meta.TryGetProperty("generation", out var g) ? g.GetInt64() : 0;
        long observed = 0;
        var isReady = false;
        string? phase = null;
        if (obj.TryGetProperty("status", out var status))
        {
            observed = status.TryGetProperty("observedGeneration", out var og) ? og.GetInt64() : 0;
            phase = status.TryGetProperty("phase", out var ph) ? ph.GetString() : null;
            if (status.TryGetProperty("conditions", out var conditions))
            {
                foreach (var c in conditions.EnumerateArray())
                {
                    if (c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True")
                    {
                        isReady = true;
                    }
                }
            }
        }

        var nowReady = isReady && observed == generation;
        objects.AddOrUpdate(
            name,
            _ =>
            {
                if (nowReady)
                {
                    Interlocked.Increment(ref ready);
                }

                return new State(generation, observed, nowReady, phase, nowReady ? Stopwatch.GetTimestamp() : 0);
            },
            (_, old) =>
            {
                if (nowReady && !old.Ready)
                {
                    Interlocked.Increment(ref ready);
                }
                else if (!nowReady && old.Ready)
                {
                    Interlocked.Decrement(ref ready);
                }

                return new State(generation, observed, nowReady, phase, old.FirstReadyTimestamp != 0 ? old.FirstReadyTimestamp : nowReady ? Stopwatch.GetTimestamp() : 0);
            });
        return rv;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        stop.Dispose();
    }
}
