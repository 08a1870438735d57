namespace TinyImage.KubeEmulator.StandIns;

/// <summary>The pod's volumes as podman <c>--mount</c> values, and the disk emptyDirs whose <c>sizeLimit</c> the stand-in watches.</summary>
/// <param name="MountArguments">One <c>--mount</c> value per volumeMount.</param>
/// <param name="SizeLimited">Disk emptyDirs with a <c>sizeLimit</c>: volume name, host directory, limit in bytes.</param>
public sealed record PreparedVolumes(IReadOnlyList<string> MountArguments, IReadOnlyList<(string Name, string Path, long Limit)> SizeLimited);
