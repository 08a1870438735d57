using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace TinyImage.Kube;

/// <summary>
/// Metadata for reading a built-in kind with some of its properties left out of the contract: the reader skips their
/// JSON (no strings, lists or objects built for them) where the full metadata would build what a cache then drops
/// (issue 17: a build Job's or a Deployment's pod template, a ConfigMap's data, managed fields). Built on
/// <see cref="KubeJsonContext"/>'s source-generated metadata and options, so NativeAOT needs no reflection.
/// </summary>
public static class SkippingJson
{
    /// <summary>
    /// The metadata of <typeparamref name="T"/> where, for each type named in <paramref name="keep"/>, only the JSON
    /// properties it keeps are read (every other one is skipped); other types are read in full. <c>metadata.managedFields</c>
    /// is always skipped (every cache drops it, <see cref="ResourceCache{T}.Shape"/>). A type named in <paramref name="keep"/>
    /// loses its <c>[JsonExtensionData]</c> member as well (the operator's own models, <c>TinyImage.Kube.Models</c>), so what it
    /// skips is skipped and not collected there instead. Only for reading: what is skipped is missing from the object,
    /// so never write an object read with it back.
    /// </summary>
    public static JsonTypeInfo<T> ItemInfo<T>(IReadOnlyDictionary<Type, Func<string, bool>> keep)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(keep);
        var options = new JsonSerializerOptions(KubeJsonContext.Default.Options)
        {
            TypeInfoResolver = KubeJsonContext.Default.WithAddedModifier(info =>
            {
                var kept = info.Type == typeof(V1ObjectMeta) ? name => name != "managedFields" : keep.GetValueOrDefault(info.Type);
                if (kept is null)
                {
                    return;
                }

                for (var i = info.Properties.Count - 1; i >= 0; i--)
                {
                    if (info.Properties[i].IsExtensionData || !kept(info.Properties[i].Name))
                    {
                        info.Properties.RemoveAt(i);
                    }
                }
            }),
        };
        return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }
}
