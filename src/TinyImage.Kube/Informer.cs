using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace TinyImage.Kube;

/// <summary>
/// List, then watch from the list's resourceVersion, keeping <see cref="Cache"/> current and telling handlers what
/// changed. Resumes a dropped watch from the last seen resourceVersion (bookmarks advance it); on 410 Gone it relists
/// and diffs against the cache (objects that vanished become Deleted events). Errors back off exponentially up to a
/// cap. One list+watch loop per namespace (or one cluster-wide); all share one cache. Objects are cached as the
/// controller needs them (<see cref="ResourceCache{T}.Shape"/>): managed fields are always dropped, and a transform
/// (client-go's <c>SetTransform</c>) may strip more (a ConfigMap's data, a Job's pod template) before an object is
/// cached and handed to handlers.
/// </summary>
public sealed class Informer<T> : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ResourceClient<T> client;
    private readonly InformerOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly List<Action<InformerEvent<T>>> handlers = [];
    private readonly IReadOnlyList<string?> scopes;
    private readonly TaskCompletionSource syncedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int syncedScopes;
    private long lists;
    private long watches;

    public Informer(ResourceClient<T> client, InformerOptions options, TimeProvider time, ILogger logger, Func<T, T>? transform = null)
    {
        this.client = client;
        Cache = new ResourceCache<T>(transform);
        this.options = options;
        this.time = time;
        this.logger = logger;
        scopes = options.Namespaces.Count == 0 || !client.Type.Namespaced ? [null] : [.. options.Namespaces.Distinct()];
    }

    public ResourceCache<T> Cache { get; }

    public string Kind => client.Type.Kind;

    /// <summary>True once every namespace's first list is in the cache.</summary>
    public bool HasSynced => Volatile.Read(ref syncedScopes) == scopes.Count;

    /// <summary>Completes when <see cref="HasSynced"/> becomes true (never, if the informer stops before).</summary>
    public Task Synced => syncedSignal.Task;

    /// <summary>Lists done so far (the first ones and every relist).</summary>
    public long ListCount => Interlocked.Read(ref lists);

    /// <summary>Watch requests started so far.</summary>
    public long WatchCount => Interlocked.Read(ref watches);

    /// <summary>
    /// Objects the controller holds already, by key and resourceVersion (the answers to its own writes): a watch event of
    /// that version takes the held instance instead of decoding the same stored state again (issue 17). Set before
    /// <see cref="RunAsync"/>. The instance is cached and handed to handlers like a decoded one (its managed fields
    /// dropped, the transform applied), so return only instances nobody changes any more.
    /// </summary>
    public Func<ObjectKey, string, T?>? KnownObjects { get; set; }

    /// <summary>
    /// How watch events' objects are read; the type's full metadata when null. Set before <see cref="RunAsync"/> to
    /// metadata that skips what the transform drops anyway (<see cref="SkippingJson.ItemInfo{T}"/>), so an event costs no
    /// objects for it (issue 17: a Job's or Deployment's pod template, a ConfigMap's data). The transform still runs on
    /// what is read; lists (the first one, and a relist after 410) are read in full and transformed as before.
    /// </summary>
    public System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>? EventInfo { get; set; }

    /// <summary>Adds a handler; call before <see cref="RunAsync"/>. Handlers run on the watch loop and must be quick (enqueue a key).</summary>
    public void AddHandler(Action<InformerEvent<T>> handler) => handlers.Add(handler);

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var loops = scopes.Select(scope => RunScopeAsync(scope, cancellationToken)).ToList();
        if (options.ResyncPeriod > TimeSpan.Zero)
        {
            loops.Add(ResyncLoopAsync(cancellationToken));
        }

        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopped
        }
    }

    private async Task RunScopeAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(options.BackoffInitial, options.BackoffMax);
        var state = new ScopeState();
        var synced = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (state.ResourceVersion is null)
                {
                    state.ResourceVersion = await ListAsync(@namespace, cancellationToken).ConfigureAwait(false);
                    if (!synced)
                    {
                        synced = true;
                        if (Interlocked.Increment(ref syncedScopes) == scopes.Count)
                        {
                            syncedSignal.TrySetResult();
                        }
                    }
                }

                state.Events = 0;
                var gone = await WatchAsync(@namespace, state, cancellationToken).ConfigureAwait(false);
                if (gone)
                {
                    logger.LogInformation("Watch of {Kind} in {Namespace} expired (410 Gone); relisting", Kind, @namespace ?? "all namespaces");
                    state.ResourceVersion = null;
                    continue;
                }

                if (state.Events > 0)
                {
                    backoff.Reset();
                }
                else
                {
                    // An empty watch that ended: a timeout or a server that keeps closing. Wait a little, never spin.
                    await Task.Delay(backoff.Next(), time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (KubeApiException exception) when (exception.IsGone)
            {
                logger.LogInformation("resourceVersion of {Kind} in {Namespace} is too old (410 Gone); relisting", Kind, @namespace ?? "all namespaces");
                state.ResourceVersion = null;
            }
            catch (Exception exception) when (KubeErrors.IsRetryable(exception) && !cancellationToken.IsCancellationRequested)
            {
                if (state.Events > 0)
                {
                    backoff.Reset();
                }

                var delay = backoff.Next();
                logger.LogWarning(exception, "List/watch of {Kind} in {Namespace} failed; retrying in {Delay}", Kind, @namespace ?? "all namespaces", delay);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<string?> ListAsync(string? @namespace, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref lists);
        var list = await client.ListAsync(@namespace, new ListOptions(options.LabelSelector), cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<ObjectKey>();
        foreach (var item in list.Items)
        {
            seen.Add(ObjectKey.Of(item));
            Apply(WatchEventType.Modified, item);
        }

        foreach (var key in Cache.Keys(@namespace))
        {
            if (!seen.Contains(key) && Cache.Remove(key) is { } vanished)
            {
                Notify(new InformerEvent<T>(InformerEventType.Deleted, vanished, null));
            }
        }

        return list.ResourceVersion;
    }

    /// <summary>Watches from <paramref name="state"/>'s resourceVersion, advancing it per event; true on 410 Gone.</summary>
    private async Task<bool> WatchAsync(string? @namespace, ScopeState state, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref watches);

        // The server ends the watch after timeoutSeconds; the client gives up a little later on a half-open connection.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(options.WatchTimeoutSeconds + 30), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var watchOptions = new WatchOptions(options.LabelSelector, null, state.ResourceVersion, options.WatchTimeoutSeconds);
        try
        {
            await foreach (var watchEvent in client.WatchAsync(@namespace, watchOptions, KnownObjects, EventInfo, linked.Token).ConfigureAwait(false))
            {
                state.Events++;
                if (watchEvent.Type == WatchEventType.Error)
                {
                    var error = StatusErrors.FromStatus(watchEvent.Error, 500, "InternalError", "watch ERROR event without a Status");
                    if (error.IsGone)
                    {
                        return true;
                    }

                    throw error;
                }

                var value = watchEvent.Object!;
                state.ResourceVersion = value.Metadata?.ResourceVersion ?? state.ResourceVersion;
                if (watchEvent.Type != WatchEventType.Bookmark)
                {
                    Apply(watchEvent.Type, value);
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("Watch of {Kind} passed its deadline; resuming", Kind);
        }

        return false;
    }

    private void Apply(WatchEventType type, T value)
    {
        value = Cache.Shape(value);
        var key = ObjectKey.Of(value);
        if (type == WatchEventType.Deleted)
        {
            var removed = Cache.Remove(key);
            Notify(new InformerEvent<T>(InformerEventType.Deleted, value, removed));
            return;
        }

        var old = Cache.UpsertShaped(value);
        if (old is null)
        {
            Notify(new InformerEvent<T>(InformerEventType.Added, value, null));
        }
        else if (old.Metadata.ResourceVersion != value.Metadata.ResourceVersion)
        {
            Notify(new InformerEvent<T>(InformerEventType.Updated, value, old));
        }
    }

    private async Task ResyncLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(options.ResyncPeriod, time, cancellationToken).ConfigureAwait(false);
            foreach (var value in Cache.List())
            {
                Notify(new InformerEvent<T>(InformerEventType.Resync, value, value));
            }
        }
    }

    private void Notify(InformerEvent<T> informerEvent)
    {
        foreach (var handler in handlers)
        {
            handler(informerEvent);
        }
    }

    /// <summary>Progress of one namespace's list+watch loop; survives a watch that throws midway.</summary>
    private sealed class ScopeState
    {
        public string? ResourceVersion { get; set; }

        public int Events { get; set; }
    }
}
