namespace TinyImage.KubeEmulator.Workloads;

/// <summary>Work-queue keys: <c>kind/namespace/name</c>.</summary>
internal static class WorkloadKeys
{
    public const string DeploymentPrefix = "deployments/";
    public const string ReplicaSetPrefix = "replicasets/";

    public static string Deployment(string ns, string name) => DeploymentPrefix + ns + "/" + name;

    public static string ReplicaSet(string ns, string name) => ReplicaSetPrefix + ns + "/" + name;

    public static (string Namespace, string Name) Split(string key, string prefix)
    {
        var rest = key[prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return (rest[..slash], rest[(slash + 1)..]);
    }
}
