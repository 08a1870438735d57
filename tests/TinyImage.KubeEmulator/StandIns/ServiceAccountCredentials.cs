namespace TinyImage.KubeEmulator.StandIns;

/// <summary>A token the API server issued for a pod, and the CA that signs the API server's serving certificate.</summary>
/// <param name="Token">The bearer token (a JWT on a real cluster).</param>
/// <param name="CaCertificatePem">The cluster CA (PEM): <c>ca.crt</c> of the <c>kube-root-ca.crt</c> ConfigMap.</param>
public sealed record ServiceAccountCredentials(string Token, string CaCertificatePem);
