using TinyImage.Kube;

namespace TinyImage.Operator.Reconciler;

/// <summary>A TinyImage whose build waits for a slot, and since when (<c>status.build.queuedTime</c>).</summary>
internal readonly record struct WaitingBuild(ObjectKey Key, DateTimeOffset Since);
