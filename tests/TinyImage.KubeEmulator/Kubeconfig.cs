namespace TinyImage.KubeEmulator;

/// <summary>Writes kubeconfig files that point kubectl or a client library at an emulator.</summary>
public static class Kubeconfig
{
    /// <summary>The context (and cluster and user) name in generated kubeconfigs.</summary>
    public const string ContextName = "kube-emulator";

    /// <summary>A kubeconfig with one context for <paramref name="server"/> (plain HTTP; the admin token, which the emulator, like no token at all, serves as a cluster admin).</summary>
    public static string Yaml(Uri server, string defaultNamespace = "default") => Yaml(server, defaultNamespace, "kube-emulator", null);

    /// <summary>A kubeconfig for <paramref name="server"/> authenticating with <paramref name="token"/>, trusting <paramref name="certificateAuthorityPem"/> when the server speaks HTTPS.</summary>
    public static string Yaml(Uri server, string defaultNamespace, string token, string? certificateAuthorityPem) =>
        $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {{ContextName}}
          cluster:
            server: {{server.GetLeftPart(UriPartial.Authority)}}{{(certificateAuthorityPem is null ? "" : "\n    certificate-authority-data: " + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(certificateAuthorityPem)))}}
        contexts:
        - name: {{ContextName}}
          context:
            cluster: {{ContextName}}
            user: {{ContextName}}
            namespace: {{defaultNamespace}}
        current-context: {{ContextName}}
        preferences: {}
        users:
        - name: {{ContextName}}
          user:
            token: {{token}}

        """;
}
