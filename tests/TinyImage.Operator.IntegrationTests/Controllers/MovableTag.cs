using TinyImage.Operator.Building;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>A registry stand-in for toolchain tags: every tag names the digest the test last moved it to.</summary>
internal sealed class MovableTag(string digest) : IToolchainResolver
{
    private string current = digest;

    public string Digest => Volatile.Read(ref current);

    public void MoveTo(string digest) => Volatile.Write(ref current, digest);

    public Task<string> ResolveAsync(string image, bool insecure, byte[]? dockerConfigJson, CancellationToken cancellationToken) =>
        Task.FromResult(Digest);
}
