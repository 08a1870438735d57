using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.Auth;

/// <summary>
/// Roles, ClusterRoles and their bindings compiled for fast evaluation: rules parsed once per change of any RBAC
/// object, bindings kept in storage order (the real authorizer reads them from informer caches).
/// </summary>
internal sealed class RbacPolicy
{
    public static RbacPolicy Empty { get; } = new();

    private readonly Dictionary<string, PolicyRule[]> _clusterRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Ns, string Name), PolicyRule[]> _roles = [];
    private readonly List<Binding> _clusterRoleBindings = [];
    private readonly Dictionary<string, List<Binding>> _roleBindings = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string User, string Namespace), Grant[]> _grants = new();

    private RbacPolicy()
    {
    }

    /// <summary>Compiles the objects of roles, clusterroles, rolebindings, clusterrolebindings (in that order, separated by <paramref name="separator"/>).</summary>
    public static RbacPolicy Compile(List<JsonObject> stored, Func<JsonObject, bool> isSeparator)
    {
        var policy = new RbacPolicy();
        var section = 0;
        foreach (var o in stored)
        {
            if (isSeparator(o))
            {
                section++;
                continue;
            }

            var meta = o["metadata"];
            var name = (string?)meta?["name"] ?? "";
            var ns = (string?)meta?["namespace"] ?? "";
            switch (section)
            {
                case 0:
                    policy._roles[(ns, name)] = Rules(o);
                    break;
                case 1:
                    policy._clusterRoles[name] = Rules(o);
                    break;
                case 2:
                    if (!policy._roleBindings.TryGetValue(ns, out var list))
                    {
                        policy._roleBindings[ns] = list = [];
                    }

                    list.Add(Binding.From(o, ns));
                    break;
                default:
                    policy._clusterRoleBindings.Add(Binding.From(o, ""));
                    break;
            }
        }

        policy.AggregateClusterRoles(stored, isSeparator);
        return policy;
    }

    /// <summary>
    /// The RBAC authorizer's decision (rbac.go Authorize over VisitRulesFor): ClusterRoleBindings first, then the
    /// RoleBindings of the request's namespace; the first rule that allows wins and names its binding; otherwise no
    /// opinion, with the errors met on the way (a binding to a missing role) as the reason.
    /// </summary>
    public (bool Allowed, string Reason) Authorize(UserInfo user, RequestAttributes a)
    {
        List<string>? errors = null;
        foreach (var grant in GrantsFor(user, a.Namespace))
        {
            if (grant.Rules is null)
            {
                (errors ??= []).Add(grant.Source);
                continue;
            }

            foreach (var rule in grant.Rules)
            {
                if (rule.Allows(a))
                {
                    return (true, "RBAC: allowed by " + grant.Source);
                }
            }
        }

        return (false, errors is null ? "" : "RBAC: " + (errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]"));
    }

    /// <summary>Every rule that applies to the user in a namespace (what SelfSubjectRulesReview lists), with the errors met.</summary>
    public (List<PolicyRule> Rules, List<string> Errors) RulesFor(UserInfo user, string ns)
    {
        var grants = GrantsFor(user, ns);
        return ([.. grants.Where(g => g.Rules is not null).SelectMany(g => g.Rules!)], [.. grants.Where(g => g.Rules is null).Select(g => g.Source)]);
    }

    /// <summary>
    /// The bindings that name the user, in visiting order, with their roles' rules (or the error of a missing role).
    /// Kept per user and namespace for the life of this policy (a user's groups follow from its name here).
    /// </summary>
    private Grant[] GrantsFor(UserInfo user, string ns) => _grants.GetOrAdd((user.Name, ns), _ =>
    {
        var grants = new List<Grant>();
        foreach (var b in _clusterRoleBindings)
        {
            if (b.SubjectFor(user) is { } subject)
            {
                grants.Add(Resolve(b) is { } rules
                    ? new Grant(rules, $"ClusterRoleBinding \"{b.Name}\" of {b.RoleKind} \"{b.RoleName}\" to {Describe(subject, "")}")
                    : new Grant(null, MissingRole(b)));
            }
        }

        if (ns.Length > 0 && _roleBindings.TryGetValue(ns, out var bindings))
        {
            foreach (var b in bindings)
            {
                if (b.SubjectFor(user) is { } subject)
                {
                    grants.Add(Resolve(b) is { } rules
                        ? new Grant(rules, $"RoleBinding \"{b.Name}/{b.Namespace}\" of {b.RoleKind} \"{b.RoleName}\" to {Describe(subject, b.Namespace)}")
                        : new Grant(null, MissingRole(b)));
                }
            }
        }

        return [.. grants];
    });

    private PolicyRule[]? Resolve(Binding b) =>
        b.RoleKind == "ClusterRole" && _clusterRoles.TryGetValue(b.RoleName, out var cr) ? cr
        : b.RoleKind == "Role" && b.Namespace.Length > 0 && _roles.TryGetValue((b.Namespace, b.RoleName), out var r) ? r
        : null;

    private static string MissingRole(Binding b) => b.RoleKind == "Role"
        ? $"role.rbac.authorization.k8s.io \"{b.RoleName}\" not found"
        : $"clusterrole.rbac.authorization.k8s.io \"{b.RoleName}\" not found";

    // describeSubject in the real rule resolver: a ServiceAccount subject is "name/namespace", the namespace defaulting to the binding's.
    private static string Describe(JsonObject subject, string bindingNamespace)
    {
        var kind = (string?)subject["kind"] ?? "";
        var name = (string?)subject["name"] ?? "";
        if (kind == "ServiceAccount")
        {
            var ns = (string?)subject["namespace"];
            return $"{kind} \"{name}/{(string.IsNullOrEmpty(ns) ? bindingNamespace : ns)}\"";
        }

        return $"{kind} \"{name}\"";
    }

    private static PolicyRule[] Rules(JsonObject role) =>
        role["rules"] is JsonArray rules ? [.. rules.Select(PolicyRule.From)] : [];

    /// <summary>
    /// ClusterRoles with an aggregationRule get the rules of every ClusterRole whose labels match one of its
    /// selectors, as the clusterrole-aggregation controller writes them (here computed, not stored).
    /// </summary>
    private void AggregateClusterRoles(List<JsonObject> stored, Func<JsonObject, bool> isSeparator)
    {
        var clusterRoles = stored.SkipWhile(o => !isSeparator(o)).Skip(1).TakeWhile(o => !isSeparator(o)).ToList();
        foreach (var aggregate in clusterRoles)
        {
            if (aggregate["aggregationRule"]?["clusterRoleSelectors"] is not JsonArray selectors || selectors.Count == 0)
            {
                continue;
            }

            var parsed = selectors.Select(s => LabelSelector.Parse(SelectorText(s as JsonObject), out _)).ToList();
            var rules = new List<PolicyRule>();
            foreach (var other in clusterRoles)
            {
                if (!ReferenceEquals(other, aggregate) && parsed.Any(p => p is not null && p.Matches(other)))
                {
                    rules.AddRange(Rules(other));
                }
            }

            _clusterRoles[(string?)aggregate["metadata"]?["name"] ?? ""] = [.. rules];
        }
    }

    /// <summary>A metav1.LabelSelector object in the query-string form LabelSelector parses.</summary>
    private static string SelectorText(JsonObject? selector)
    {
        var terms = new List<string>();
        if (selector?["matchLabels"] is JsonObject labels)
        {
            terms.AddRange(labels.Select(kv => kv.Key + "=" + (string?)kv.Value));
        }

        foreach (var e in (selector?["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = (string?)e["key"] ?? "";
            var values = string.Join(',', (e["values"] as JsonArray ?? []).Select(v => (string?)v));
            terms.Add((string?)e["operator"] switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key,
                _ => "!" + key,
            });
        }

        return string.Join(',', terms);
    }

    /// <summary>A binding naming the user: its role's rules and how the real authorizer describes it, or (Rules null) the error of a missing role.</summary>
    private sealed record Grant(PolicyRule[]? Rules, string Source);
}
