namespace TinyImage.Operator.Kube;

/// <summary>Query parameters of a list.</summary>
internal sealed record ListOptions(string? LabelSelector = null, string? FieldSelector = null, string? ResourceVersion = null, int? Limit = null);

/// <summary>Query parameters of a watch. Bookmarks are always requested.</summary>
internal sealed record WatchOptions(string? LabelSelector = null, string? FieldSelector = null, string? ResourceVersion = null, int? TimeoutSeconds = null);
