namespace TinyImage.KubeEmulator.StandIns;

/// <summary>One Containerfile instruction with its continuation lines joined.</summary>
/// <param name="Keyword">The instruction, upper case (FROM, COPY, ...).</param>
/// <param name="Arguments">Everything after the keyword, trimmed.</param>
/// <param name="Line">The 1-based line the instruction starts on.</param>
public sealed record Instruction(string Keyword, string Arguments, int Line);

/// <summary>One build stage: <c>FROM base [AS name]</c> and its instructions.</summary>
/// <param name="Base">The base image (or <c>scratch</c>).</param>
/// <param name="Name">The stage name after AS, or null.</param>
/// <param name="Instructions">The stage's instructions after FROM.</param>
/// <param name="Line">The FROM line.</param>
public sealed record BuildStage(string Base, string? Name, IReadOnlyList<Instruction> Instructions, int Line);
