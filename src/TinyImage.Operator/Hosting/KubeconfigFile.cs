using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using TinyImage.Yaml;

namespace TinyImage.Operator.Hosting;

/// <summary>
/// Reads one kubeconfig file into a <see cref="KubernetesClientConfiguration"/> with the project's own YAML reader, as
/// KubernetesClient's own kubeconfig loader does for one file and a context (same fields, same precedence, same
/// errors), without the package's YAML serializer and kubeconfig model context, which NativeAOT would otherwise link
/// (BENCHMARKS.md section 9, "fifth round: size").
/// </summary>
/// <remarks>
/// The context is the one asked for (<c>--context</c>) when given, else <c>current-context</c>; names are matched ignoring case,
/// as the package does. From the cluster: <c>server</c> (0.0.0.0 and :: become loopback), <c>insecure-skip-tls-verify</c>,
/// <c>tls-server-name</c>, and for https <c>certificate-authority-data</c> (base64 of PEM or DER) else
/// <c>certificate-authority</c> (a file). From the user: <c>token</c>, else <c>username</c> with <c>password</c>;
/// <c>client-certificate-data</c> with <c>client-key-data</c>; <c>client-certificate</c> with <c>client-key</c> (files);
/// <c>exec</c> (run once now, then by the package's <see cref="k8s.Authentication.ExecTokenProvider"/> as the token
/// expires); the retired <c>azure</c> and <c>gcp</c> auth providers are refused naming their replacement plugins.
/// Relative file paths are relative to the kubeconfig's directory. From the context: <c>namespace</c>.
/// </remarks>
internal static class KubeconfigFile
{
    public static KubernetesClientConfiguration Read(string path, string? context)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new KubeConfigException("kubeconfig file not found at " + fullPath);
        }

        var read = YamlReader.Read(File.ReadAllText(fullPath));
        if (!read.Succeeded)
        {
            throw new KubeConfigException("not YAML: " + read.DescribeError());
        }

        var root = (read.Documents.Count == 0 ? null : Map(read.Documents[0].Root, "the file"))
            ?? throw new KubeConfigException("the file is empty");
        var contextName = context ?? Text(root, "current-context");
        var config = new KubernetesClientConfiguration();
        if (contextName is not null)
        {
            Apply(config, root, contextName, Path.GetDirectoryName(fullPath)!);
        }

        if (string.IsNullOrWhiteSpace(config.Host))
        {
            throw new KubeConfigException("Cannot infer server host url either from context or masterUrl");
        }

        return config;
    }

    private static void Apply(KubernetesClientConfiguration config, JsonObject root, string contextName, string directory)
    {
        if (!TryNamed(root, "contexts", contextName, "context", out var context, out var contextEntryName))
        {
            throw new KubeConfigException("CurrentContext: " + contextName + " not found in contexts in kubeconfig");
        }

        var clusterName = context is null ? null : Text(context, "cluster");
        if (string.IsNullOrEmpty(clusterName))
        {
            throw new KubeConfigException("Cluster not set for context `" + contextName + "` in kubeconfig");
        }

        if (!TryNamed(root, "clusters", clusterName, "cluster", out var cluster, out _) || cluster is null)
        {
            throw new KubeConfigException("Cluster not found for context `" + contextName + "` in kubeconfig");
        }

        ApplyCluster(config, cluster, contextName, directory);
        var userName = Text(context!, "user");
        if (!string.IsNullOrWhiteSpace(userName))
        {
            // As the package: the context as the file spells it.
            ApplyUser(config, root, userName, contextEntryName, directory);
        }

        config.Namespace = Text(context!, "namespace");
    }

    private static void ApplyCluster(KubernetesClientConfiguration config, JsonObject cluster, string contextName, string directory)
    {
        var server = Text(cluster, "server");
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new KubeConfigException("Server not found for current-context `" + contextName + "` in kubeconfig");
        }

        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri))
        {
            throw new KubeConfigException("Bad server host URL `" + server + "` (cannot be parsed)");
        }

        config.Host = server;
        config.SkipTlsVerify = Flag(cluster, "insecure-skip-tls-verify");
        config.TlsServerName = Text(cluster, "tls-server-name");
        if (IPAddress.TryParse(uri.Host, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)))
        {
            config.Host = new UriBuilder(server) { Host = (address.Equals(IPAddress.Any) ? IPAddress.Loopback : IPAddress.IPv6Loopback).ToString() }.ToString();
        }

        if (uri.Scheme != "https")
        {
            return;
        }

        if (Text(cluster, "certificate-authority-data") is { Length: > 0 } data)
        {
            config.SslCaCerts = [X509CertificateLoader.LoadCertificate(Convert.FromBase64String(data))];
        }
        else if (Text(cluster, "certificate-authority") is { Length: > 0 } file)
        {
            config.SslCaCerts = [X509CertificateLoader.LoadCertificateFromFile(FullPath(directory, file))];
        }
    }

    private static void ApplyUser(KubernetesClientConfiguration config, JsonObject root, string userName, string contextName, string directory)
    {
        var found = false;
        foreach (var entry in List(root, "users"))
        {
            if (string.Equals(Text(entry, "name"), userName, StringComparison.OrdinalIgnoreCase))
            {
                found = true;
                var user = Map(entry["user"], "user " + userName)
                    ?? throw new KubeConfigException("User credentials not found for user: " + userName + " in kubeconfig");
                ApplyCredentials(config, user, userName, directory);
                break;
            }
        }

        if (!found)
        {
            throw new KubeConfigException("User not found for context " + contextName + " in kubeconfig");
        }
    }

    private static void ApplyCredentials(KubernetesClientConfiguration config, JsonObject user, string userName, string directory)
    {
        var any = false;
        if (Text(user, "token") is { } token && !string.IsNullOrWhiteSpace(token))
        {
            config.AccessToken = token;
            any = true;
        }
        else if (Text(user, "username") is { } name && !string.IsNullOrWhiteSpace(name) && Text(user, "password") is { } password && !string.IsNullOrWhiteSpace(password))
        {
            config.Username = name;
            config.Password = password;
            any = true;
        }

        // Token and client certificate may both be given.
        if (Text(user, "client-certificate-data") is { } certificateData && !string.IsNullOrWhiteSpace(certificateData)
            && Text(user, "client-key-data") is { } keyData && !string.IsNullOrWhiteSpace(keyData))
        {
            config.ClientCertificateData = certificateData;
            config.ClientCertificateKeyData = keyData;
            any = true;
        }

        if (Text(user, "client-certificate") is { } certificateFile && !string.IsNullOrWhiteSpace(certificateFile)
            && Text(user, "client-key") is { } keyFile && !string.IsNullOrWhiteSpace(keyFile))
        {
            config.ClientCertificateFilePath = FullPath(directory, certificateFile);
            config.ClientKeyFilePath = FullPath(directory, keyFile);
            any = true;
        }

        if (Map(user["auth-provider"], "auth-provider") is { } provider && Map(provider["config"], "auth-provider config") is { } providerConfig
            && (providerConfig.ContainsKey("access-token") || providerConfig.ContainsKey("id-token")))
        {
            switch (Text(provider, "name"))
            {
                case "azure":
                    throw new KubeConfigException("Please use the https://github.com/Azure/kubelogin credential plugin instead. See https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins for further details");
                case "gcp":
                    throw new KubeConfigException("Please use the \"gke-gcloud-auth-plugin\" credential plugin instead. See https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke for further details");
            }
        }

        if (Map(user["exec"], "exec") is { } exec)
        {
            ApplyExec(config, Execution(exec));
            any = true;
        }

        if (!any)
        {
            throw new KubeConfigException("User: " + userName + " does not have appropriate auth credentials in kubeconfig");
        }
    }

    private static ExternalExecution Execution(JsonObject exec)
    {
        var execution = new ExternalExecution
        {
            ApiVersion = Text(exec, "apiVersion"),
            Command = Text(exec, "command"),
            InstallHint = Text(exec, "installHint"),
            ProvideClusterInfo = Flag(exec, "provideClusterInfo"),
        };
        if (string.IsNullOrWhiteSpace(execution.Command))
        {
            throw new KubeConfigException("External command execution to receive user credentials must include a command to execute");
        }

        if (string.IsNullOrWhiteSpace(execution.ApiVersion))
        {
            throw new KubeConfigException("External command execution missing ApiVersion key");
        }

        if (exec["args"] is not null)
        {
            execution.Arguments = [.. Sequence(exec["args"], "exec args").Select(a => Scalar(a, "exec args") ?? "")];
        }

        if (exec["env"] is not null)
        {
            execution.EnvironmentVariables = [.. Sequence(exec["env"], "exec env").Select(EnvironmentVariable)];
        }

        return execution;
    }

    private static Dictionary<string, string> EnvironmentVariable(JsonNode? node)
    {
        var variable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Map(node, "exec env") ?? [])
        {
            variable[key] = Scalar(value, "exec env " + key) ?? "";
        }

        return variable;
    }

    /// <summary>Runs the plugin once now (as the package does while loading) and hands later refreshes to its token provider.</summary>
    private static void ApplyExec(KubernetesClientConfiguration config, ExternalExecution execution)
    {
        var response = KubernetesClientConfiguration.ExecuteExternalCommand(execution);
        config.AccessToken = response.Status.Token;

        // The plugin returns PEM text; the configuration holds certificate data as base64, as a kubeconfig does.
        config.ClientCertificateData = response.Status.ClientCertificateData is { } certificate ? Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(certificate)) : null;
        config.ClientCertificateKeyData = response.Status.ClientKeyData is { } key ? Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(key)) : null;
        if (config.AccessToken is not null)
        {
            config.TokenProvider = new k8s.Authentication.ExecTokenProvider(execution);
        }
    }

    /// <summary>
    /// Finds the first entry of the list <paramref name="list"/> named <paramref name="name"/> (ignoring case);
    /// <paramref name="value"/> is its <paramref name="child"/> map (null when the entry has none), <paramref name="entryName"/> its name as written.
    /// </summary>
    private static bool TryNamed(JsonObject root, string list, string name, string child, out JsonObject? value, out string entryName)
    {
        foreach (var entry in List(root, list))
        {
            if (Text(entry, "name") is { } written && string.Equals(written, name, StringComparison.OrdinalIgnoreCase))
            {
                value = Map(entry[child], list + " " + name);
                entryName = written;
                return true;
            }
        }

        value = null;
        entryName = "";
        return false;
    }

    private static IEnumerable<JsonObject> List(JsonObject root, string key) =>
        root[key] is null ? [] : Sequence(root[key], key).Select(e => Map(e, key) ?? throw new KubeConfigException("an entry of " + key + " is empty"));

    private static JsonArray Sequence(JsonNode? node, string what) =>
        node as JsonArray ?? throw new KubeConfigException(what + " is not a list");

    private static JsonObject? Map(JsonNode? node, string what) => node switch
    {
        null => null,
        JsonObject map => map,
        _ => throw new KubeConfigException(what + " is not a map"),
    };

    private static string? Text(JsonObject map, string key) => Scalar(map[key], key);

    /// <summary>A scalar as its text (a plain <c>123</c> or <c>true</c> where a string is expected is that string, as the package reads it).</summary>
    private static string? Scalar(JsonNode? node, string what) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value => value.ToJsonString(),
        _ => throw new KubeConfigException(what + " is not a single value"),
    };

    private static bool Flag(JsonObject map, string key) => map[key] switch
    {
        null => false,
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        JsonValue value when value.TryGetValue<string>(out var text) && bool.TryParse(text, out var parsed) => parsed,
        _ => throw new KubeConfigException(key + " is not true or false"),
    };

    private static string FullPath(string directory, string path) => Path.IsPathRooted(path) ? path : Path.Combine(directory, path);
}
