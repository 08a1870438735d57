namespace TinyImage.KubeEmulator;

/// <summary>A Job the simulator finished: when its final status was written, and what its pod's container said.</summary>
/// <param name="Namespace">The Job's namespace.</param>
/// <param name="Name">The Job's name.</param>
/// <param name="Succeeded">True for Complete, false for Failed.</param>
/// <param name="TerminationMessage">The first container's termination message (the digest, for a Kaniko Job), if any.</param>
/// <param name="Time">When the Job's final status write began (the emulator's TimeProvider): watchers cannot have seen it earlier.</param>
public sealed record JobCompletion(string Namespace, string Name, bool Succeeded, string? TerminationMessage, DateTimeOffset Time);
