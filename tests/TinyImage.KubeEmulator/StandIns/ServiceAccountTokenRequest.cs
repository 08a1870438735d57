namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// What the kubelet asks the API server for when it fills a projected <c>serviceAccountToken</c> source (the TokenRequest
/// of <c>pods/NAME</c>-bound tokens): the pod it is bound to, the service account, the audience and the lifetime.
/// </summary>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="PodName">The pod's name (the token is bound to it).</param>
/// <param name="PodUid">The pod's uid.</param>
/// <param name="ServiceAccountName">The pod's <c>spec.serviceAccountName</c> (<c>default</c> when unset).</param>
/// <param name="Audience">The source's audience, or null for the API server's own.</param>
/// <param name="ExpirationSeconds">The source's <c>expirationSeconds</c> (3607 in the admission-injected volume).</param>
public sealed record ServiceAccountTokenRequest(
    string Namespace, string PodName, string PodUid, string ServiceAccountName, string? Audience, long ExpirationSeconds);
