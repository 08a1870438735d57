namespace TinyImage.Kube;

/// <summary>Query parameters of a list.</summary>
public sealed record ListOptions(string? LabelSelector = null, string? FieldSelector = null, string? ResourceVersion = null, int? Limit = null);

/// <summary>Query parameters of a watch. Bookmarks are always requested.</summary>
public sealed record WatchOptions(string? LabelSelector = null, string? FieldSelector = null, string? ResourceVersion = null, int? TimeoutSeconds = null);
