namespace TinyImage.KubeEmulator;

/// <summary>One served resource: a group/version/plural with its kind and behaviour.</summary>
/// <param name="Group">API group, empty for the core group.</param>
/// <param name="Version">API version, e.g. <c>v1</c>.</param>
/// <param name="Kind">Kind, e.g. <c>ConfigMap</c>.</param>
/// <param name="Plural">Plural resource name used in URLs, e.g. <c>configmaps</c>.</param>
/// <param name="Namespaced">True for namespaced resources.</param>
public sealed record ResourceType(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    /// <summary>Singular name (kubectl accepts it); defaults to the lower-cased kind.</summary>
    public string Singular { get; init; } = Kind.ToLowerInvariant();

    /// <summary>Short names for kubectl (<c>cm</c>, <c>deploy</c>, ...).</summary>
    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>Categories for kubectl (<c>all</c>, ...).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>True when a <c>/status</c> subresource exists: the main resource then ignores status writes.</summary>
    public bool HasStatus { get; init; }

    /// <summary>True when objects carry <c>metadata.generation</c> (ConfigMaps, Secrets, ... do not).</summary>
    public bool HasGeneration { get; init; } = true;

    /// <summary>
    /// True for custom resources: an update must name the resourceVersion it replaces, and strategic
    /// merge patches are refused (415), as for real CRD-backed resources.
    /// </summary>
    public bool IsCustomResource { get; init; }

    /// <summary>Field selectors allowed beyond <c>metadata.name</c> and <c>metadata.namespace</c>.</summary>
    public IReadOnlyList<string> SelectableFields { get; init; } = [];

    /// <summary>Extra columns for <c>kubectl get</c> (a CRD's additionalPrinterColumns).</summary>
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    /// <summary>A CRD version's compiled openAPIV3Schema: custom resources are pruned, defaulted and validated with it.</summary>
    internal CustomResources.CustomResourceSchema? Schema { get; init; }

    /// <summary>Read-only subresources besides status (e.g. <c>log</c> for pods).</summary>
    public IReadOnlyList<string> ExtraSubresources { get; init; } = [];

    /// <summary>The <c>apiVersion</c> field value: <c>v1</c> or <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>The list kind, e.g. <c>ConfigMapList</c>.</summary>
    public string ListKind => Kind + "List";

    /// <summary>Group-qualified resource as used in error messages: <c>configmaps</c> or <c>deployments.apps</c>.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : Plural + "." + Group;

    /// <summary>
    /// Storage key: objects of every version of one group/resource share storage, and so do resources served from
    /// another's storage (events.k8s.io Events live in the core Event storage).
    /// </summary>
    internal (string Group, string Plural) StorageKey { get; init; } = (Group, Plural);
}

/// <summary>A CRD additionalPrinterColumn.</summary>
/// <param name="Name">Column header.</param>
/// <param name="Type">OpenAPI type: string, integer, number, boolean, date.</param>
/// <param name="JsonPath">Simple JSONPath, e.g. <c>.status.phase</c> or <c>.status.conditions[?(@.type=="Ready")].status</c>.</param>
/// <param name="Description">Column description.</param>
/// <param name="Priority">0 for the default view, higher for <c>-o wide</c>.</param>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", int Priority = 0);
