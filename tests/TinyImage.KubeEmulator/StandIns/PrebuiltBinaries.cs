namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// Maps a build to the prebuilt binary that stands in for its cargo command. The stand-in cannot compile (no crates,
/// no musl target here), so the binaries come from <c>scripts/build-fixtures.sh</c>, named after what the cargo
/// command would have produced: <c>BIN</c>, <c>BIN-nosbom</c> for <c>cargo build</c> without <c>auditable</c>, and
/// <c>+FEATURE</c> per enabled feature (sorted), e.g. <c>hello-service+greeting-v2</c>. A build of a TinyImage named in
/// <see cref="ByTinyImage"/> uses that file instead (a source whose dependencies differ, such as the denied variant).
/// </summary>
/// <param name="Directory">Where the prebuilt binaries are.</param>
/// <param name="ByTinyImage">TinyImage name (the Job's <c>tinyimage.dev/name</c> label) to a file name in <paramref name="Directory"/>.</param>
public sealed record PrebuiltBinaries(string Directory, IReadOnlyDictionary<string, string> ByTinyImage)
{
    /// <summary>The file name the default rule gives.</summary>
    public static string FileNameFor(FinalStageImage stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return stage.Binary + (stage.Cargo.Auditable ? "" : "-nosbom") + string.Concat(stage.Cargo.Features.Select(f => "+" + f));
    }

    /// <summary>The binary's path, or why there is none.</summary>
    public StandInResult<string> Resolve(string? tinyImageName, FinalStageImage stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var name = tinyImageName is not null && ByTinyImage.TryGetValue(tinyImageName, out var overridden) ? overridden : FileNameFor(stage);
        if (stage.Cargo.NoDefaultFeatures)
        {
            return StandInResult<string>.Fail("cargo --no-default-features: no prebuilt binary stands in for that build");
        }

        var path = Path.Combine(Directory, name);
        return File.Exists(path)
            ? StandInResult<string>.Ok(path)
            : StandInResult<string>.Fail($"no prebuilt binary {name} in {Directory} for `cargo {(stage.Cargo.Auditable ? "auditable " : "")}build --bin {stage.Binary}`"
                + (stage.Cargo.Features.Count > 0 ? " --features " + string.Join(',', stage.Cargo.Features) : "")
                + " (scripts/build-fixtures.sh builds them)");
    }
}
