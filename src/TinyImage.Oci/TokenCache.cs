using System.Collections.Concurrent;

namespace TinyImage.Oci;

/// <summary>Bearer tokens per (registry host, scope) until they expire, on the injected clock.</summary>
public sealed class TokenCache(TimeProvider time)
{
    /// <summary>The spec's default lifetime when the token endpoint gives none.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<(string Host, string Scope), (string Token, DateTimeOffset ExpiresAt)> tokens = new();

    /// <summary>A cached token that is still valid, or null.</summary>
    public string? Get(string host, string scope) =>
        tokens.TryGetValue((host, scope), out var entry) && time.GetUtcNow() < entry.ExpiresAt ? entry.Token : null;

    /// <summary>
    /// Stores a token. It is treated as expired a little early (10 seconds, or half its lifetime when shorter) so a
    /// request never leaves with a token that expires on the way.
    /// </summary>
    public void Put(string host, string scope, string token, TimeSpan? lifetime)
    {
        var life = lifetime is { } l && l > TimeSpan.Zero ? l : DefaultLifetime;
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, life.Ticks / 2));
        tokens[(host, scope)] = (token, time.GetUtcNow() + life - margin);
    }

    /// <summary>Forgets a token the registry refused.</summary>
    public void Remove(string host, string scope) => tokens.TryRemove((host, scope), out _);
}
