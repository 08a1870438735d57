namespace TinyImage.Kube;

/// <summary>The Lease and the timings of leader election.</summary>
public sealed record LeaderElectionOptions
{
    public required string Namespace { get; init; }

    public required string LeaseName { get; init; }

    /// <summary>This replica's identity (pod name and a random suffix).</summary>
    public required string Identity { get; init; }

    /// <summary>How long others wait after the last observed renewal before taking over.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the leader renews.</summary>
    public TimeSpan RenewInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The leader gives up when it could not renew for this long (less than <see cref="LeaseDuration"/>).</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a candidate tries to acquire, and a failed renewal retries.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
