namespace TinyImage.Operator.IntegrationTests.EndToEnd;

/// <summary>TinyImage manifests as a user writes them (YAML for <c>kubectl apply -f -</c>).</summary>
internal static class Manifests
{
    public static string TinyImage(string ns, string name, string registryHost, string? build = null, string? verify = null) => $"""
        apiVersion: tinyimage.dev/v1alpha1
        kind: TinyImage
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          source:
            configMap:
              name: hello-src
              items:
              - key: Cargo.toml
                path: Cargo.toml
              - key: Cargo.lock
                path: Cargo.lock
              - key: main.rs
                path: src/main.rs
          binary: hello-service
          build:
            {build ?? "auditable: true"}
          output:
            repository: {registryHost}/{ns}/{name}
            pushSecret: registry-push
          verify:
            {verify ?? "requireSbom: true"}
          deploy:
            imagePullSecrets: [registry-push]

        """;
}
