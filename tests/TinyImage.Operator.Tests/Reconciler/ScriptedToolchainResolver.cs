using System.Collections.Concurrent;
using TinyImage.Oci;
using TinyImage.Operator.Building;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>A registry stand-in for toolchain tags: each tag names the digest a test gives it; an unknown tag is a registry error.</summary>
internal sealed class ScriptedToolchainResolver : IToolchainResolver
{
    private readonly ConcurrentDictionary<string, string> tags = new(StringComparer.Ordinal);
    private int calls;

    public int Calls => Volatile.Read(ref calls);

    public string this[string image]
    {
        set => tags[image] = value;
    }

    public Task<string> ResolveAsync(string image, bool insecure, byte[]? dockerConfigJson, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref calls);
        return tags.TryGetValue(image, out var digest)
            ? Task.FromResult(digest)
            : throw new RegistryException(RegistryErrorKind.NotFound, "manifest unknown: " + image);
    }
}
