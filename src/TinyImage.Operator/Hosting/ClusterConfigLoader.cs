using k8s;
using k8s.Exceptions;

namespace TinyImage.Operator.Hosting;

/// <summary>
/// Finds the cluster: <c>--kubeconfig</c>, else <c>$KUBECONFIG</c> (each path of the list), else
/// <c>~/.kube/config</c>, else the in-cluster service account. Records what it tried, for the error message.
/// </summary>
internal static class ClusterConfigLoader
{
    public static (KubernetesClientConfiguration? Config, string Source, IReadOnlyList<string> Tried) Load(string? kubeconfigFlag, string? context, Func<string, string?> environment)
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
        if (string.IsNullOrEmpty(host) || !KubernetesClientConfiguration.IsInCluster())
        {
            tried.Add("in-cluster: " + (string.IsNullOrEmpty(host) ? "KUBERNETES_SERVICE_HOST is not set" : "no service account token at /var/run/secrets/kubernetes.io/serviceaccount"));
            return (null, "", tried);
        }

        try
        {
            return (KubernetesClientConfiguration.InClusterConfig(), "in-cluster service account", tried);
        }
        catch (Exception exception) when (IsUnusable(exception))
        {
            tried.Add("in-cluster: " + Describe(exception));
            return (null, "", tried);
        }
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
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context);
        }
        catch (Exception exception) when (IsUnusable(exception) || exception is InvalidOperationException or ArgumentException or YamlDotNet.Core.YamlException)
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
