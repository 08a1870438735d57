using k8s;
using k8s.Exceptions;
using TinyImage.Kube;

namespace TinyImage.Operator.Hosting;

/// <summary>
/// Finds the cluster: <c>--kubeconfig</c>, else <c>$KUBECONFIG</c> (each path of the list), else
/// <c>~/.kube/config</c>, else the in-cluster service account. Records what it tried, for the error message.
/// </summary>
internal static class ClusterConfigLoader
{
    /// <summary>Where the kubelet mounts a pod's service-account token, CA and namespace.</summary>
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static (KubernetesClientConfiguration? Config, string Source, IReadOnlyList<string> Tried) Load(string? kubeconfigFlag, string? context, Func<string, string?> environment) =>
        Load(kubeconfigFlag, context, environment, ServiceAccountDirectory, TimeProvider.System);

    /// <summary>As <see cref="Load(string?, string?, Func{string, string?})"/>, with the service-account directory and the clock (which paces rereading the token file) given.</summary>
    public static (KubernetesClientConfiguration? Config, string Source, IReadOnlyList<string> Tried) Load(string? kubeconfigFlag, string? context, Func<string, string?> environment, string serviceAccountDirectory, TimeProvider time)
    {
        var tried = new List<string>();
        if (kubeconfigFlag is not null)
        {
            return TryFile(kubeconfigFlag, "--kubeconfig", context, tried) is { } fromFlag ? (fromFlag, "--kubeconfig " + kubeconfigFlag, tried) : (null, "", tried);
        }

        var fromEnv = environment("KUBECONFIG");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            foreach (var path in fromEnv.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (TryFile(path, "$KUBECONFIG", context, tried) is { } config)
                {
                    return (config, "$KUBECONFIG " + path, tried);
                }
            }
        }
        else
        {
            tried.Add("$KUBECONFIG: not set");
        }

        var home = environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var defaultPath = Path.Combine(home, ".kube", "config");
        if (TryFile(defaultPath, "default kubeconfig", context, tried) is { } fromDefault)
        {
            return (fromDefault, defaultPath, tried);
        }

        var host = environment("KUBERNETES_SERVICE_HOST");
        var token = Path.Combine(serviceAccountDirectory, "token");
        var ca = Path.Combine(serviceAccountDirectory, "ca.crt");
        if (string.IsNullOrEmpty(host) || !File.Exists(token) || !File.Exists(ca))
        {
            tried.Add("in-cluster: " + (string.IsNullOrEmpty(host) ? "KUBERNETES_SERVICE_HOST is not set" : "no service account token and CA at " + serviceAccountDirectory));
            return (null, "", tried);
        }

        try
        {
            return (InCluster(host, environment("KUBERNETES_SERVICE_PORT"), serviceAccountDirectory, time), "in-cluster service account", tried);
        }
        catch (Exception exception) when (IsUnusable(exception))
        {
            tried.Add("in-cluster: " + Describe(exception));
            return (null, "", tried);
        }
    }

    /// <summary>
    /// What KubernetesClient's <c>InClusterConfig</c> builds, from <paramref name="directory"/>: the CA in <c>ca.crt</c>
    /// as the only trust anchor, the token file reread every minute (<see cref="ServiceAccountTokenFile"/>: bound tokens
    /// rotate), the namespace.
    /// </summary>
    private static KubernetesClientConfiguration InCluster(string host, string? port, string directory, TimeProvider time)
    {
        var authorities = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        authorities.ImportFromPemFile(Path.Combine(directory, "ca.crt"));
        if (authorities.Count == 0)
        {
            throw new KubeConfigException("no certificate in " + Path.Combine(directory, "ca.crt"));
        }

        var namespaceFile = Path.Combine(directory, "namespace");
        return new KubernetesClientConfiguration
        {
            Host = new UriBuilder("https", host, string.IsNullOrEmpty(port) ? 443 : int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)).ToString(),
            SslCaCerts = authorities,
            TokenProvider = new ServiceAccountTokenFile(Path.Combine(directory, "token"), time),
            Namespace = File.Exists(namespaceFile) ? File.ReadAllText(namespaceFile).Trim() : null,
        };
    }

    private static KubernetesClientConfiguration? TryFile(string path, string label, string? context, List<string> tried)
    {
        if (!File.Exists(path))
        {
            tried.Add(label + " " + path + ": no such file");
            return null;
        }

        try
        {
            return KubeconfigFile.Read(path, context);
        }
        catch (Exception exception) when (IsUnusable(exception))
        {
            tried.Add(label + " " + path + ": " + Describe(exception));
            return null;
        }
    }

    private static string Describe(Exception exception) =>
        exception is System.Security.Cryptography.CryptographicException ? "a certificate in it cannot be read: " + exception.Message : exception.Message;

    /// <summary>A configuration that cannot be read or used: a missing or unreadable file, a CA or client certificate that is not one.</summary>
    internal static bool IsUnusable(Exception exception) =>
        exception is KubeConfigException or IOException or UnauthorizedAccessException or FormatException or System.Security.Cryptography.CryptographicException;
}
