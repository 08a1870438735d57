using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TinyImage.Kube;

namespace TinyImage.Operator.Verification;

/// <summary>
/// Runs verifications off the reconcile workers, at most <c>concurrency</c> at once (<c>--verify-concurrency</c>), fairly
/// across namespaces: each namespace has its own queue, the next verification is taken round-robin over the namespaces that
/// wait (the one served least recently first), and one namespace never holds every slot (at most <c>concurrency - 1</c>, at least one), so a tenant whose
/// registry stalls its own verifications leaves a slot for the others. A finished verification wakes its owner
/// (<see cref="OnDone"/>: the controller re-queues the TinyImage), whose next pass takes the result. A new identity for the
/// same owner (a new digest, policy or retry) cancels the old verification, and disposing the pool (shutdown, lost lease)
/// cancels them all.
/// </summary>
internal sealed partial class VerificationPool : IVerificationRunner, IAsyncDisposable
{
    private readonly IImageVerifier verifier;
    private readonly int concurrency;
    private readonly int perNamespace;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly Dictionary<ObjectKey, Job> jobs = [];
    private readonly Dictionary<string, Queue<Job>> waiting = new(StringComparer.Ordinal);
    private readonly List<string> rotation = [];
    private readonly Dictionary<string, int> runningIn = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> lastServed = new(StringComparer.Ordinal);
    private long served;
    private readonly HashSet<Task> tasks = [];
    private readonly Queue<Job> finished = new();
    private readonly Dictionary<VerificationResult, (int Owners, long Bytes)> heldResults = new(ReferenceEqualityComparer.Instance);
    private long heldBytes;
    private readonly CancellationTokenSource shutdown = new();
    private int running;
    private bool disposed;

    /// <summary>The most bytes of finished results held for their owners' passes (the oldest are dropped: their owners verify again).</summary>
    public const long MaxHeldBytes = 8L * 1024 * 1024;

    public VerificationPool(IImageVerifier verifier, int concurrency, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        this.verifier = verifier;
        this.concurrency = concurrency;
        perNamespace = Math.Max(1, concurrency - 1);
        this.logger = logger;
    }

    /// <summary>Called (outside the pool's lock) when a verification finished, or when a queued one started.</summary>
    public Action<ObjectKey>? OnDone { get; init; }

    /// <summary>Verifications running now.</summary>
    public int Running
    {
        get
        {
            lock (gate)
            {
                return running;
            }
        }
    }

    public Task<VerificationProgress> SubmitAsync(ObjectKey owner, string identity, VerificationRequest request, CancellationToken cancellationToken)
    {
        Job? superseded = null;
        VerificationProgress progress;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (jobs.TryGetValue(owner, out var job) && job.Identity == identity)
            {
                if (job.State == VerificationState.Done)
                {
                    // A verdict on the image is kept until superseded, forgotten or pushed out (a pass whose status write
                    // lost a race asks again); a transient one (registry down, no database yet) is handed out once, so the
                    // owner's next pass verifies again.
                    if (VerificationReasons.IsTransient(job.Result!.Reason))
                    {
                        jobs.Remove(owner);
                    }

                    return Task.FromResult(VerificationProgress.Done(job.Result!));
                }

                return Task.FromResult(job.State == VerificationState.Running ? VerificationProgress.Running : new VerificationProgress(VerificationState.Queued, Ahead(job)));
            }

            superseded = job;
            if (superseded is not null)
            {
                superseded.Cancelled = true;
            }

            job = new Job(owner, identity, request);
            jobs[owner] = job;
            var ns = owner.Namespace ?? string.Empty;
            if (!waiting.TryGetValue(ns, out var queue))
            {
                waiting[ns] = queue = new Queue<Job>();
                rotation.Add(ns);
            }

            queue.Enqueue(job);
            Pump(wake: false);
            progress = job.State == VerificationState.Running ? VerificationProgress.Running : new VerificationProgress(VerificationState.Queued, Ahead(job));
        }

        if (superseded?.Cancel is { } cancel)
        {
            Log.Superseded(logger, owner.Namespace, owner.Name);
            CancelQuietly(cancel);
        }

        return Task.FromResult(progress);
    }

    public bool Holds(ObjectKey owner, string identity)
    {
        lock (gate)
        {
            return jobs.TryGetValue(owner, out var job) && job.Identity == identity;
        }
    }

    /// <summary>Whether a verification under <paramref name="identity"/> is queued or running for <paramref name="owner"/> (for tests).</summary>
    internal bool IsPending(ObjectKey owner, string identity)
    {
        lock (gate)
        {
            return jobs.TryGetValue(owner, out var job) && job.Identity == identity && job.State != VerificationState.Done;
        }
    }

    public void Forget(ObjectKey owner)
    {
        Job? gone;
        lock (gate)
        {
            if (!jobs.Remove(owner, out gone))
            {
                return;
            }

            gone.Cancelled = true;
        }

        if (gone.Cancel is { } cancel)
        {
            CancelQuietly(cancel);
        }
    }

    /// <summary>Cancels a running verification; one that finished meanwhile has disposed its source, and needs nothing.</summary>
    private static void CancelQuietly(CancellationTokenSource cancel)
    {
        try
        {
            cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // it finished between the decision and the cancel
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] pending;
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            foreach (var job in jobs.Values)
            {
                job.Cancelled = true;
            }

            pending = [.. tasks];
        }

        await shutdown.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(pending).ConfigureAwait(false);
        shutdown.Dispose();
    }

    /// <summary>
    /// Holds a finished job's result for its owner, dropping the oldest held results beyond <see cref="MaxHeldBytes"/>. A
    /// result many owners share (the verifier's cache answers every TinyImage of one digest with one instance) is counted
    /// once, as it is held once: counted per owner, 5,000 TinyImages of one image pushed each other's results out before
    /// their passes came, and each verified again, in a loop (BENCHMARKS.md section 9). Under the lock.
    /// </summary>
    private void Hold(Job job)
    {
        var result = job.Result!;
        finished.Enqueue(job);
        heldBytes += PerOwnerBytes;
        ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(heldResults, result, out var exists);
        if (!exists)
        {
            // Counted with the size it had when first held, and given back with that same size.
            held.Bytes = VerificationCache.SizeOf(job.Identity, result);
            heldBytes += held.Bytes;
        }

        held.Owners++;
        while (heldBytes > MaxHeldBytes && finished.TryDequeue(out var oldest))
        {
            heldBytes -= PerOwnerBytes;
            ref var shared = ref CollectionsMarshal.GetValueRefOrNullRef(heldResults, oldest.Result!);
            if (--shared.Owners == 0)
            {
                heldBytes -= shared.Bytes;
                heldResults.Remove(oldest.Result!);
            }

            if (jobs.TryGetValue(oldest.Owner, out var current) && ReferenceEquals(current, oldest))
            {
                jobs.Remove(oldest.Owner);
            }
        }
    }

    /// <summary>What holding a shared result costs per owner (its job entry).</summary>
    private const long PerOwnerBytes = 256;

    /// <summary>Results held for their owners' passes, counted once each (for tests).</summary>
    internal long HeldBytes
    {
        get
        {
            lock (gate)
            {
                return heldBytes;
            }
        }
    }

    /// <summary>Queued verifications of the same namespace ahead of <paramref name="job"/>.</summary>
    private int Ahead(Job job) =>
        waiting.TryGetValue(job.Owner.Namespace ?? string.Empty, out var queue) ? queue.TakeWhile(j => !ReferenceEquals(j, job)).Count(j => !j.Cancelled) : 0;

    /// <summary>Starts queued verifications while slots are free: round-robin over the waiting namespaces. Under the lock.</summary>
    private void Pump(bool wake)
    {
        while (!disposed && running < concurrency && TryTakeNext(out var job))
        {
            running++;
            runningIn[job.Namespace] = runningIn.GetValueOrDefault(job.Namespace) + 1;
            job.State = VerificationState.Running;
            job.Cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token);
            var task = Task.Run(() => RunAsync(job, wake));
            tasks.Add(task);
            _ = task.ContinueWith(t => Untrack(t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Untrack(Task task)
    {
        lock (gate)
        {
            tasks.Remove(task);
        }
    }

    /// <summary>
    /// The head of the queue of the namespace served least recently (never served first; ties in order of arrival) among
    /// those under their per-namespace cap. Cancelled jobs are dropped on the way.
    /// </summary>
    private bool TryTakeNext(out Job job)
    {
        string? pick = null;
        for (var i = 0; i < rotation.Count; i++)
        {
            var ns = rotation[i];
            var queue = waiting[ns];
            while (queue.Count > 0 && queue.Peek().Cancelled)
            {
                queue.Dequeue();
            }

            if (queue.Count == 0)
            {
                waiting.Remove(ns);
                rotation.RemoveAt(i--);
                continue;
            }

            if (runningIn.GetValueOrDefault(ns) < perNamespace
                && (pick is null || lastServed.GetValueOrDefault(ns, -1) < lastServed.GetValueOrDefault(pick, -1)))
            {
                pick = ns;
            }
        }

        if (pick is null)
        {
            job = null!;
            return false;
        }

        var picked = waiting[pick];
        job = picked.Dequeue();
        lastServed[pick] = ++served;
        if (picked.Count == 0)
        {
            waiting.Remove(pick);
            rotation.Remove(pick);
        }

        return true;
    }

    private async Task RunAsync(Job job, bool wakeOnStart)
    {
        VerificationResult? result = null;
        try
        {
            var verifying = verifier.VerifyAsync(job.Request, job.Cancel!.Token);
            if (wakeOnStart && !verifying.IsCompleted)
            {
                // It waited in the queue: its owner said "queued"; let it say "running". One answered at once (the
                // verifier's cache) wakes its owner once, with its result: a wake at its start cost a pass and, after a
                // wait longer than the progress delay, a status write of its own (3 per TinyImage at 5,000, issue 17).
                OnDone?.Invoke(job.Owner);
            }

            result = await verifying.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (job.Cancel!.IsCancellationRequested)
        {
            // superseded, forgotten or shutting down: nobody waits for this result
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Crashed(logger, e, job.Owner.Namespace, job.Owner.Name);
            result = ImageSbomReader.Fail(VerificationReasons.RegistryUnavailable, "The verification failed unexpectedly; it is tried again later.");
        }

        var wake = false;
        lock (gate)
        {
            running--;
            runningIn[job.Namespace]--;
            if (runningIn[job.Namespace] == 0)
            {
                runningIn.Remove(job.Namespace);
            }

            if (result is not null && !job.Cancelled && jobs.TryGetValue(job.Owner, out var current) && ReferenceEquals(current, job))
            {
                job.Result = result;
                job.State = VerificationState.Done;
                Hold(job);
                wake = true;
            }

            Pump(wake: true);
        }

        job.Cancel!.Dispose();
        if (wake)
        {
            OnDone?.Invoke(job.Owner);
        }
    }

    private sealed class Job(ObjectKey owner, string identity, VerificationRequest request)
    {
        public ObjectKey Owner { get; } = owner;

        public string Namespace { get; } = owner.Namespace ?? string.Empty;

        public string Identity { get; } = identity;

        public VerificationRequest Request { get; } = request;

        public VerificationState State { get; set; } = VerificationState.Queued;

        public VerificationResult? Result { get; set; }

        public bool Cancelled { get; set; }

        public CancellationTokenSource? Cancel { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Verification for {Namespace}/{Name} superseded by a newer one: cancelled")]
        public static partial void Superseded(ILogger logger, string? @namespace, string name);

        [LoggerMessage(EventId = 4112, Level = LogLevel.Error, Message = "Verification for {Namespace}/{Name} failed unexpectedly")]
        public static partial void Crashed(ILogger logger, Exception exception, string? @namespace, string name);
    }
}
