using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Auth;

/// <summary>
/// The RBAC authorizer over the emulator's own Roles, ClusterRoles and bindings. The compiled policy is reused
/// until any RBAC object changes: unchanged while the store's resourceVersion is, else checked by reference (a
/// lock and a few dozen pointer compares), so a binding takes effect for the very next request.
/// </summary>
internal sealed class RbacAuthorizer(ObjectStore store)
{
    private const string Group = "rbac.authorization.k8s.io";
    private static readonly (string, string)[] Keys = [(Group, "roles"), (Group, "clusterroles"), (Group, "rolebindings"), (Group, "clusterrolebindings")];
    private readonly Lock _gate = new();
    private RbacPolicy _policy = RbacPolicy.Empty;
    private List<StoredEvent> _source = [];
    private long _checkedAt = -1;

    /// <summary>The policy as stored now.</summary>
    public RbacPolicy Current()
    {
        // Read the resourceVersion before the objects: if it has not moved since, nothing has changed since they were read.
        var rv = store.CurrentResourceVersion;
        lock (_gate)
        {
            if (rv == _checkedAt)
            {
                return _policy;
            }
        }

        var stored = new List<StoredEvent>(64);
        store.Stored(Keys, stored);
        lock (_gate)
        {
            if (!Same(stored, _source))
            {
                // Read (parsed, for cold objects) only when a commit changed.
                _policy = RbacPolicy.Compile(
                    [.. stored.Select(c => ReferenceEquals(c, ObjectStore.StoredSeparator) ? ObjectStore.StoredObjectSeparator : c.Object)],
                    static o => ReferenceEquals(o, ObjectStore.StoredObjectSeparator));
                _source = stored;
            }

            _checkedAt = rv;
            return _policy;
        }
    }

    public (bool Allowed, string Reason) Authorize(UserInfo user, RequestAttributes attributes) =>
        user.IsPrivileged ? (true, "") : Current().Authorize(user, attributes);

    private static bool Same(List<StoredEvent> a, List<StoredEvent> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!ReferenceEquals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }
}
