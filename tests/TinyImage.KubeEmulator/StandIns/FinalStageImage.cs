namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// What the final stage of a Containerfile asks for, as far as the Kaniko stand-in can honour it: a scratch image
/// holding one binary copied from the build stage, and the image config around it.
/// </summary>
/// <param name="Binary">The binary's file name: the COPY destination is <c>/bin/Binary</c>.</param>
/// <param name="SourcePath">The COPY source in the build stage, ending in <c>/release/Binary</c>.</param>
/// <param name="FromStage">The stage the binary is copied from (COPY --from).</param>
/// <param name="Cargo">The cargo command of that stage (what the prebuilt binary stands in for).</param>
/// <param name="WorkingDir">WORKDIR, or null.</param>
/// <param name="ExposedPorts">EXPOSE entries as <c>port/proto</c>.</param>
/// <param name="User">USER, or null.</param>
/// <param name="Entrypoint">ENTRYPOINT (exec form, or <c>/bin/sh -c</c> form), or null.</param>
/// <param name="Cmd">CMD, or null.</param>
/// <param name="Env">ENV entries as <c>KEY=value</c>.</param>
/// <param name="Labels">LABEL entries.</param>
/// <param name="Owner">COPY --chown as numeric <c>uid:gid</c>, default <c>0:0</c>.</param>
/// <param name="Mode">COPY --chmod as octal, or null to keep the file's mode.</param>
/// <param name="WorkdirBeforeCopy">WORKDIR came before the COPY (its directory layer is then the first layer).</param>
public sealed record FinalStageImage(
    string Binary,
    string SourcePath,
    string FromStage,
    CargoCommand Cargo,
    string? WorkingDir,
    IReadOnlyList<string> ExposedPorts,
    string? User,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<string>? Cmd,
    IReadOnlyList<string> Env,
    IReadOnlyDictionary<string, string> Labels,
    (int Uid, int Gid) Owner,
    int? Mode,
    bool WorkdirBeforeCopy = false);

/// <summary>The cargo build of the build stage, from its RUN instruction.</summary>
/// <param name="Auditable">It runs <c>cargo auditable build</c> (the binary carries a .dep-v0 SBOM).</param>
/// <param name="Features">The <c>--features</c> list, sorted.</param>
/// <param name="NoDefaultFeatures"><c>--no-default-features</c> given.</param>
/// <param name="Target">The <c>--target</c> triple, or null.</param>
/// <param name="Bin">The <c>--bin</c> name, or null.</param>
public sealed record CargoCommand(bool Auditable, IReadOnlyList<string> Features, bool NoDefaultFeatures, string? Target, string? Bin);
