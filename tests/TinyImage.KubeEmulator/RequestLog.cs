namespace TinyImage.KubeEmulator;

/// <summary>One request the emulator answered.</summary>
/// <param name="Verb">Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection; plain <c>get</c> etc. for non-resource paths.</param>
/// <param name="Group">API group (empty for core), or null for non-resource paths.</param>
/// <param name="Version">API version, or null.</param>
/// <param name="Resource">Plural resource name, or null for non-resource paths (discovery, /version).</param>
/// <param name="Namespace">Namespace, or null.</param>
/// <param name="Name">Object name, or null for collections.</param>
/// <param name="Subresource">Subresource (status, log), or null.</param>
/// <param name="StatusCode">HTTP status code of the answer (200 for a watch that started streaming).</param>
/// <param name="Time">When the request arrived (the emulator's TimeProvider).</param>
/// <param name="Path">The request path.</param>
/// <param name="ContentType">The request body's content type, if any (tells merge from apply patches).</param>
/// <param name="UserAgent">The client's User-Agent.</param>
public sealed record RecordedRequest(
    string Verb,
    string? Group,
    string? Version,
    string? Resource,
    string? Namespace,
    string? Name,
    string? Subresource,
    int StatusCode,
    DateTimeOffset Time,
    string Path,
    string? ContentType,
    string? UserAgent)
{
    /// <summary>True for create, update, patch, delete and deletecollection.</summary>
    public bool IsWrite => Verb is "create" or "update" or "patch" or "delete" or "deletecollection";
}

/// <summary>Every request the emulator answered, in arrival order, with small query helpers for tests.</summary>
public sealed class RequestLog
{
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _entries = [];

    /// <summary>A snapshot of all recorded requests.</summary>
    public IReadOnlyList<RecordedRequest> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Requests matching a predicate.</summary>
    public IReadOnlyList<RecordedRequest> Where(Func<RecordedRequest, bool> predicate) => [.. All.Where(predicate)];

    /// <summary>Counts requests of one verb (optionally for one resource, namespace and subresource).</summary>
    public int Count(string verb, string? resource = null, string? ns = null, string? subresource = null) =>
        All.Count(r => r.Verb == verb && (resource is null || r.Resource == resource) && (ns is null || r.Namespace == ns)
            && (subresource is null || r.Subresource == subresource));

    /// <summary>Counts writes (create, update, patch, delete, deletecollection) to a resource, status writes included.</summary>
    public int Writes(string resource, string? ns = null, string? name = null) =>
        All.Count(r => r.IsWrite && r.Resource == resource && (ns is null || r.Namespace == ns) && (name is null || r.Name == name));

    /// <summary>Forgets everything recorded so far (e.g. after a test's setup).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    internal void Add(RecordedRequest request)
    {
        lock (_gate)
        {
            _entries.Add(request);
        }
    }
}
