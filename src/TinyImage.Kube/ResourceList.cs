namespace TinyImage.Kube;

/// <summary>One page (or all pages) of a list: the items and the list's resourceVersion to watch from.</summary>
public sealed record ResourceList<T>(IReadOnlyList<T> Items, string? ResourceVersion, string? Continue);
