using System.Collections.Concurrent;
using TinyImage.Api;

namespace TinyImage.Operator.Building;

/// <summary>
/// The digest of each TinyImage's own build inputs (<see cref="PinnedBuildHash.Inputs"/>), remembered per uid for the
/// generation, source content digest and commit it was computed from, so the passes of an unchanged TinyImage do not
/// render and hash its inputs again (issue 17). The uid and generation fix the spec (<c>metadata.generation</c> changes
/// whenever the spec does); the source digest and commit are the rest of the inputs. One entry per TinyImage, replaced
/// when any of them changes and dropped by <see cref="Forget"/> when the TinyImage is deleted. An object without a uid
/// or a generation is always computed.
/// </summary>
internal sealed class InputDigests
{
    private readonly ConcurrentDictionary<string, Entry> digests = new(StringComparer.Ordinal);

    /// <summary>TinyImages remembered; for tests.</summary>
    public int Count => digests.Count;

    /// <summary><see cref="PinnedBuildHash.Inputs"/> of <paramref name="tinyImage"/>, computed only when not remembered.</summary>
    public string Inputs(ValidTinyImage tinyImage, string? sourceContentDigest, string? commit)
    {
        ArgumentNullException.ThrowIfNull(tinyImage);
        var (uid, generation) = (tinyImage.Resource.Metadata.Uid, tinyImage.Resource.Metadata.Generation);
        if (uid is null || generation is not { } current)
        {
            return PinnedBuildHash.Inputs(tinyImage, sourceContentDigest, commit);
        }

        if (digests.TryGetValue(uid, out var known) && known.Generation == current && known.Source == sourceContentDigest && known.Commit == commit)
        {
            return known.Digest;
        }

        var digest = PinnedBuildHash.Inputs(tinyImage, sourceContentDigest, commit);
        digests[uid] = new Entry(current, sourceContentDigest, commit, digest);
        return digest;
    }

    /// <summary>Forgets a deleted TinyImage.</summary>
    public void Forget(string? uid)
    {
        if (uid is not null)
        {
            digests.TryRemove(uid, out _);
        }
    }

    private sealed record Entry(long Generation, string? Source, string? Commit, string Digest);
}
