namespace TinyImage.KubeEmulator.StandIns;

/// <summary>One RUN step of a build stage as Kaniko's layer cache sees it.</summary>
/// <param name="Stage">The stage's name (or index).</param>
/// <param name="Line">The RUN's line in the Containerfile.</param>
/// <param name="Command">The RUN's arguments.</param>
/// <param name="Key">The composite cache key (the tag of its layer in the cache repository); null when unknown (a context the stand-in cannot read).</param>
/// <param name="Hit">The layer was in the cache and not older than <c>--cache-ttl</c>: Kaniko would not run the step.</param>
public sealed record KanikoCacheStep(string Stage, int Line, string Command, string? Key, bool Hit);
