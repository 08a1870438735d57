namespace TinyImage.KubeEmulator;

/// <summary>Writes kubeconfig files that point kubectl or a client library at an emulator.</summary>
public static class Kubeconfig
{
    /// <summary>The context (and cluster and user) name in generated kubeconfigs.</summary>
    public const string ContextName = "kube-emulator";

    /// <summary>A kubeconfig with one context for <paramref name="server"/> (plain HTTP; a dummy bearer token, because client libraries insist on some credential and the emulator checks none).</summary>
    public static string Yaml(Uri server, string defaultNamespace = "default") =>
        $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {{ContextName}}
          cluster:
            server: {{server.GetLeftPart(UriPartial.Authority)}}
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
            token: kube-emulator

        """;
}
