using k8s.Models;
using Microsoft.Extensions.Logging;

namespace TinyImage.Kube;

/// <summary>
/// Leader election on a <c>coordination.k8s.io/v1</c> Lease, as client-go does it: acquire when the lease is free or
/// its holder has not renewed for a lease duration (measured on our clock from when we saw the record change, so clock
/// skew does not matter); renew every interval; when renewal fails for the renew deadline, stop leading at once (the
/// leader's token is cancelled). On shutdown the leader releases the lease by clearing holderIdentity, so another
/// replica takes over without waiting.
/// </summary>
public sealed class LeaderElector
{
    private readonly ResourceClient<V1Lease> leases;
    private readonly LeaderElectionOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private string? observedVersion;
    private DateTimeOffset observedAt;
    private volatile bool isLeader;

    public LeaderElector(ResourceClient<V1Lease> leases, LeaderElectionOptions options, TimeProvider time, ILogger logger)
    {
        this.leases = leases;
        this.options = options;
        this.time = time;
        this.logger = logger;
    }

    public bool IsLeader => isLeader;

    public string Identity => options.Identity;

    /// <summary>
    /// Campaigns until cancelled. While leading, <paramref name="onStartedLeading"/> runs with a token that is cancelled
    /// when the lease is lost or on shutdown; <paramref name="onStoppedLeading"/> runs after it returned. A lost lease
    /// sends this replica back to campaigning.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> onStartedLeading, Action? onStoppedLeading, CancellationToken cancellationToken)
    {
        try
        {
            await CampaignAsync(onStartedLeading, onStoppedLeading, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task CampaignAsync(Func<CancellationToken, Task> onStartedLeading, Action? onStoppedLeading, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
            {
                await DelayAsync(options.RetryPeriod, cancellationToken).ConfigureAwait(false);
                continue;
            }

            logger.LogInformation("{Identity} acquired lease {Namespace}/{Lease}", options.Identity, options.Namespace, options.LeaseName);
            await LeadAsync(onStartedLeading, cancellationToken).ConfigureAwait(false);
            onStoppedLeading?.Invoke();
        }
    }

    private async Task LeadAsync(Func<CancellationToken, Task> onStartedLeading, CancellationToken cancellationToken)
    {
        isLeader = true;
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Task.Run(() => onStartedLeading(leading.Token), CancellationToken.None);
        try
        {
            var lost = await RenewLoopAsync(work, leading.Token).ConfigureAwait(false);
            if (lost)
            {
                logger.LogWarning("{Identity} lost lease {Namespace}/{Lease}; stopping at once", options.Identity, options.Namespace, options.LeaseName);
            }
        }
        finally
        {
            isLeader = false;
            await leading.CancelAsync().ConfigureAwait(false);
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                // the leader's work observed the cancellation
            }
            finally
            {
                if (cancellationToken.IsCancellationRequested || work.IsFaulted)
                {
                    await ReleaseAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Renews until the lease is lost (true), shutdown, or the work ends (false).</summary>
    private async Task<bool> RenewLoopAsync(Task work, CancellationToken cancellationToken)
    {
        var lastRenewal = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested && !work.IsCompleted)
        {
            var sinceRenewal = time.GetUtcNow() - lastRenewal;
            var wait = sinceRenewal < options.RenewInterval ? options.RenewInterval - sinceRenewal : options.RetryPeriod;
            await Task.WhenAny(work, Task.Delay(wait, time, cancellationToken)).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested || work.IsCompleted)
            {
                return false;
            }

            bool renewed;
            try
            {
                renewed = await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            if (renewed)
            {
                lastRenewal = time.GetUtcNow();
            }
            else if (time.GetUtcNow() - lastRenewal >= options.RenewDeadline || !HeldByUsAfterFailure)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>False once a renewal saw another holder: then there is no point retrying until the deadline.</summary>
    private bool HeldByUsAfterFailure { get; set; } = true;

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        HeldByUsAfterFailure = true;
        try
        {
            return await TryAcquireOrRenewCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (KubeErrors.IsRetryable(exception))
        {
            logger.LogWarning(exception, "{Identity} could not read or write lease {Namespace}/{Lease}", options.Identity, options.Namespace, options.LeaseName);
            return false;
        }
    }

    private async Task<bool> TryAcquireOrRenewCoreAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lease = await leases.GetAsync(options.Namespace, options.LeaseName, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            var created = await leases.CreateAsync(
                new V1Lease
                {
                    Metadata = new V1ObjectMeta { Name = options.LeaseName, NamespaceProperty = options.Namespace },
                    Spec = new V1LeaseSpec
                    {
                        HolderIdentity = options.Identity,
                        LeaseDurationSeconds = LeaseSeconds,
                        AcquireTime = now.UtcDateTime,
                        RenewTime = now.UtcDateTime,
                        LeaseTransitions = 0,
                    },
                },
                cancellationToken).ConfigureAwait(false);
            return created.IsOk;
        }

        lease.Spec ??= new V1LeaseSpec();
        var holder = lease.Spec.HolderIdentity;
        if (lease.Metadata.ResourceVersion != observedVersion)
        {
            observedVersion = lease.Metadata.ResourceVersion;
            observedAt = now;
        }

        var heldByOther = !string.IsNullOrEmpty(holder) && holder != options.Identity;
        if (heldByOther)
        {
            HeldByUsAfterFailure = false;
            var duration = TimeSpan.FromSeconds(lease.Spec.LeaseDurationSeconds ?? LeaseSeconds);
            if (observedAt + duration > now)
            {
                return false;
            }
        }

        if (holder != options.Identity)
        {
            lease.Spec.AcquireTime = now.UtcDateTime;
            lease.Spec.LeaseTransitions = (lease.Spec.LeaseTransitions ?? 0) + 1;
        }

        lease.Spec.HolderIdentity = options.Identity;
        lease.Spec.LeaseDurationSeconds = LeaseSeconds;
        lease.Spec.RenewTime = now.UtcDateTime;
        var written = await leases.ReplaceAsync(lease, cancellationToken).ConfigureAwait(false);
        if (written.IsOk)
        {
            observedVersion = written.Object.Metadata.ResourceVersion;
            observedAt = now;
            HeldByUsAfterFailure = true;
        }

        return written.IsOk;
    }

    private int LeaseSeconds => Math.Max(1, (int)Math.Ceiling(options.LeaseDuration.TotalSeconds));

    /// <summary>Clears holderIdentity if we still hold the lease, so a standby takes over at once.</summary>
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var lease = await leases.GetAsync(options.Namespace, options.LeaseName, timeout.Token).ConfigureAwait(false);
            if (lease?.Spec is null || lease.Spec.HolderIdentity != options.Identity)
            {
                return;
            }

            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = time.GetUtcNow().UtcDateTime;
            var written = await leases.ReplaceAsync(lease, timeout.Token).ConfigureAwait(false);
            logger.LogInformation("{Identity} released lease {Namespace}/{Lease}: {Outcome}", options.Identity, options.Namespace, options.LeaseName, written.Outcome);
        }
        catch (Exception exception) when (KubeErrors.IsRetryable(exception) || exception is OperationCanceledException)
        {
            logger.LogWarning(exception, "{Identity} could not release lease {Namespace}/{Lease}; it expires on its own", options.Identity, options.Namespace, options.LeaseName);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // shutting down
        }
    }
}
