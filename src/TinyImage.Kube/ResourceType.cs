using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>
/// Describes one REST resource: where it lives (group, version, plural, namespaced) and how its items and lists are
/// (de)serialized (source-generated metadata, so NativeAOT needs no reflection).
/// </summary>
public sealed class ResourceType<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Func<Stream, ResourceList<T>> readList;

    private ResourceType(string group, string version, string plural, string kind, bool namespaced, JsonTypeInfo<T> itemInfo, Func<Stream, ResourceList<T>> readList)
    {
        Group = group;
        Version = version;
        Plural = plural;
        Kind = kind;
        Namespaced = namespaced;
        ItemInfo = itemInfo;
        this.readList = readList;
    }

    /// <summary>The API group; empty for the core group.</summary>
    public string Group { get; }

    public string Version { get; }

    public string Plural { get; }

    public string Kind { get; }

    public bool Namespaced { get; }

    public JsonTypeInfo<T> ItemInfo { get; }

    /// <summary><c>group/version</c>, or just the version for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>Creates a descriptor from the item's and list's source-generated metadata.</summary>
    public static ResourceType<T> Create<TList>(string group, string version, string plural, string kind, bool namespaced, JsonTypeInfo<T> itemInfo, JsonTypeInfo<TList> listInfo)
        where TList : class, IKubernetesObject<V1ListMeta>, IItems<T>
    {
        return new ResourceType<T>(group, version, plural, kind, namespaced, itemInfo, stream =>
        {
            var list = JsonSerializer.Deserialize(stream, listInfo) ?? throw new JsonException("The API server returned an empty " + kind + " list.");
            return new ResourceList<T>([.. list.Items ?? []], list.Metadata?.ResourceVersion, list.Metadata?.ContinueProperty);
        });
    }

    /// <summary>
    /// Creates a descriptor for a kind the program reads by name or writes but never lists: it carries no list metadata
    /// (each list type adds its JSON metadata and generic instantiations to the NativeAOT binary), and listing it throws.
    /// </summary>
    public static ResourceType<T> CreateUnlisted(string group, string version, string plural, string kind, bool namespaced, JsonTypeInfo<T> itemInfo) =>
        new(group, version, plural, kind, namespaced, itemInfo, _ => throw new NotSupportedException(kind + " is not listed by this program: its ResourceType has no list metadata (ResourceType.CreateUnlisted)."));

    internal ResourceList<T> ReadList(Stream stream) => readList(stream);

    /// <summary>The collection path relative to the server root: <c>apis/g/v/namespaces/ns/plural</c>; a null namespace lists across namespaces.</summary>
    public string CollectionPath(string? @namespace)
    {
        var root = Group.Length == 0 ? "api/" + Version : "apis/" + Group + "/" + Version;
        return Namespaced && @namespace is not null
            ? root + "/namespaces/" + Uri.EscapeDataString(@namespace) + "/" + Plural
            : root + "/" + Plural;
    }

    public string ItemPath(string? @namespace, string name)
    {
        if (Namespaced && @namespace is null)
        {
            throw new ArgumentException(Kind + " is namespaced: a namespace is required.", nameof(@namespace));
        }

        return CollectionPath(@namespace) + "/" + Uri.EscapeDataString(name);
    }
}
