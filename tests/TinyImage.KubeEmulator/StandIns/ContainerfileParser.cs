using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// Reads a Containerfile the way the Kaniko stand-in needs it: every stage's instructions (unknown instructions are
/// refused, as Kaniko refuses them), and the final stage as a <see cref="FinalStageImage"/>. The stand-in never runs
/// the build stage: a prebuilt binary stands in for its cargo command, so the final stage must be something it can
/// assemble exactly: <c>FROM scratch</c>, one <c>COPY --from=&lt;stage&gt; .../release/BIN /bin/BIN</c>, and config
/// instructions (WORKDIR, EXPOSE, USER, ENTRYPOINT, CMD, ENV, LABEL). Anything else fails with the line and the reason.
/// </summary>
public static class ContainerfileParser
{
    private static readonly HashSet<string> KnownInstructions =
    [
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
        "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    ];

    /// <summary>Splits the text into stages; fails on an unknown instruction, an instruction before FROM, or a FROM flag.</summary>
    public static StandInResult<IReadOnlyList<BuildStage>> ParseStages(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stages = new List<BuildStage>();
        List<Instruction>? current = null;
        (string Base, string? Name, int Line) head = ("", null, 0);
        foreach (var ins in LogicalLines(text))
        {
            if (!KnownInstructions.Contains(ins.Keyword))
            {
                return Fail<IReadOnlyList<BuildStage>>(ins.Line, $"unknown instruction {ins.Keyword}");
            }

            if (ins.Keyword == "FROM")
            {
                if (current is not null)
                {
                    stages.Add(new BuildStage(head.Base, head.Name, current, head.Line));
                }

                var words = Words(ins.Arguments);
                if (words.Any(w => w.StartsWith("--", StringComparison.Ordinal)))
                {
                    return Fail<IReadOnlyList<BuildStage>>(ins.Line, "FROM flags (--platform) are not supported by the stand-in");
                }

                if (words.Count is not (1 or 3) || (words.Count == 3 && !words[1].Equals("AS", StringComparison.OrdinalIgnoreCase)))
                {
                    return Fail<IReadOnlyList<BuildStage>>(ins.Line, "FROM must be 'FROM image' or 'FROM image AS name'");
                }

                head = (words[0], words.Count == 3 ? words[2].ToLowerInvariant() : null, ins.Line);
                current = [];
                continue;
            }

            if (current is null)
            {
                return Fail<IReadOnlyList<BuildStage>>(ins.Line, $"{ins.Keyword} before the first FROM (global ARG is not supported by the stand-in)");
            }

            current.Add(ins);
        }

        if (current is null)
        {
            return StandInResult<IReadOnlyList<BuildStage>>.Fail("the Containerfile has no FROM instruction");
        }

        stages.Add(new BuildStage(head.Base, head.Name, current, head.Line));
        return StandInResult<IReadOnlyList<BuildStage>>.Ok(stages);
    }

    /// <summary>The final stage as an image the stand-in can assemble, or why it cannot.</summary>
    public static StandInResult<FinalStageImage> ParseFinalStage(string text)
    {
        var parsed = ParseStages(text);
        if (!parsed.IsSuccess)
        {
            return StandInResult<FinalStageImage>.Fail(parsed.Error!);
        }

        var stages = parsed.Value!;
        var final = stages[^1];
        if (final.Base != "scratch")
        {
            return Fail<FinalStageImage>(final.Line, $"final stage FROM {final.Base}: the stand-in assembles FROM scratch only (it pulls no base images)");
        }

        string? binary = null, source = null, fromStage = null, workDir = null, user = null;
        IReadOnlyList<string>? entrypoint = null, cmd = null;
        var ports = new List<string>();
        var env = new List<string>();
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        (int, int) owner = (0, 0);
        int? mode = null;
        var workdirBeforeCopy = false;
        foreach (var ins in final.Instructions)
        {
            if (ins.Arguments.Contains('$', StringComparison.Ordinal))
            {
                return Fail<FinalStageImage>(ins.Line, "variable substitution ($) is not supported by the stand-in");
            }

            switch (ins.Keyword)
            {
                case "COPY":
                    if (binary is not null)
                    {
                        return Fail<FinalStageImage>(ins.Line, "a second COPY: the stand-in's image holds exactly one file, the binary");
                    }

                    var copy = ParseCopy(ins, stages);
                    if (!copy.IsSuccess)
                    {
                        return StandInResult<FinalStageImage>.Fail(copy.Error!);
                    }

                    (binary, source, fromStage, owner, mode) = copy.Value;
                    break;
                case "WORKDIR":
                    if (!ins.Arguments.StartsWith('/'))
                    {
                        return Fail<FinalStageImage>(ins.Line, "WORKDIR must be an absolute path");
                    }

                    workDir = ins.Arguments;
                    workdirBeforeCopy = binary is null;
                    break;
                case "EXPOSE":
                    foreach (var p in Words(ins.Arguments))
                    {
                        var parts = p.Split('/');
                        if (parts.Length > 2 || !ushort.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0
                            || (parts.Length == 2 && parts[1] is not ("tcp" or "udp")))
                        {
                            return Fail<FinalStageImage>(ins.Line, $"EXPOSE {p}: not a port or port/tcp|udp");
                        }

                        ports.Add(port.ToString(CultureInfo.InvariantCulture) + "/" + (parts.Length == 2 ? parts[1] : "tcp"));
                    }

                    break;
                case "USER":
                    if (Words(ins.Arguments).Count != 1)
                    {
                        return Fail<FinalStageImage>(ins.Line, "USER takes one user[:group]");
                    }

                    user = ins.Arguments;
                    break;
                case "ENTRYPOINT":
                case "CMD":
                    var command = CommandForm(ins);
                    if (!command.IsSuccess)
                    {
                        return StandInResult<FinalStageImage>.Fail(command.Error!);
                    }

                    if (ins.Keyword == "CMD")
                    {
                        cmd = command.Value;
                    }
                    else
                    {
                        entrypoint = command.Value;
                    }

                    break;
                case "ENV":
                case "LABEL":
                    var pairs = KeyValues(ins);
                    if (!pairs.IsSuccess)
                    {
                        return StandInResult<FinalStageImage>.Fail(pairs.Error!);
                    }

                    foreach (var (k, v) in pairs.Value!)
                    {
                        if (ins.Keyword == "ENV")
                        {
                            env.RemoveAll(e => e.StartsWith(k + "=", StringComparison.Ordinal));
                            env.Add(k + "=" + v);
                        }
                        else
                        {
                            labels[k] = v;
                        }
                    }

                    break;
                default:
                    return Fail<FinalStageImage>(ins.Line,
                        $"{ins.Keyword} in the final stage: the stand-in assembles only COPY --from, WORKDIR, EXPOSE, USER, ENTRYPOINT, CMD, ENV and LABEL on scratch");
            }
        }

        if (binary is null)
        {
            return Fail<FinalStageImage>(final.Line, "the final stage copies no binary");
        }

        var cargo = FindCargo(stages.First(s => s.Name == fromStage || StageIndex(stages, s) == fromStage), binary);
        if (!cargo.IsSuccess)
        {
            return StandInResult<FinalStageImage>.Fail(cargo.Error!);
        }

        return StandInResult<FinalStageImage>.Ok(new FinalStageImage(
            binary, source!, fromStage!, cargo.Value!, workDir, ports, user, entrypoint, cmd, env, labels, owner, mode, workdirBeforeCopy));
    }

    private static StandInResult<(string Binary, string Source, string From, (int, int) Owner, int? Mode)> ParseCopy(Instruction ins, IReadOnlyList<BuildStage> stages)
    {
        var words = Words(ins.Arguments);
        string? from = null;
        (int, int) owner = (0, 0);
        int? mode = null;
        var rest = new List<string>();
        foreach (var w in words)
        {
            if (rest.Count == 0 && w.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = w.IndexOf('=', StringComparison.Ordinal);
                var (flag, value) = eq < 0 ? (w, "") : (w[..eq], w[(eq + 1)..]);
                switch (flag)
                {
                    case "--from":
                        from = value.ToLowerInvariant();
                        break;
                    case "--chown":
                        var ids = value.Split(':');
                        if (ids.Length > 2 || !int.TryParse(ids[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
                        {
                            return Fail<(string, string, string, (int, int), int?)>(ins.Line, "COPY --chown takes numeric uid[:gid] (the stand-in has no /etc/passwd)");
                        }

                        var gid = uid;
                        if (ids.Length == 2 && !int.TryParse(ids[1], NumberStyles.None, CultureInfo.InvariantCulture, out gid))
                        {
                            return Fail<(string, string, string, (int, int), int?)>(ins.Line, "COPY --chown takes numeric uid[:gid] (the stand-in has no /etc/passwd)");
                        }

                        owner = (uid, gid);
                        break;
                    case "--chmod":
                        try
                        {
                            mode = Convert.ToInt32(value, 8);
                        }
                        catch (FormatException)
                        {
                            return Fail<(string, string, string, (int, int), int?)>(ins.Line, "COPY --chmod takes an octal mode");
                        }

                        break;
                    default:
                        return Fail<(string, string, string, (int, int), int?)>(ins.Line, $"COPY flag {flag} is not supported by the stand-in");
                }
            }
            else
            {
                rest.Add(w);
            }
        }

        if (ins.Arguments.TrimStart().StartsWith('['))
        {
            return Fail<(string, string, string, (int, int), int?)>(ins.Line, "COPY in JSON form is not supported by the stand-in");
        }

        if (from is null)
        {
            return Fail<(string, string, string, (int, int), int?)>(ins.Line, "COPY without --from: the stand-in has no build context, only the build stage's binary");
        }

        var final = stages.Count - 1;
        var fromIndex = -1;
        for (var i = 0; i < final; i++)
        {
            if (stages[i].Name == from || i.ToString(CultureInfo.InvariantCulture) == from)
            {
                fromIndex = i;
            }
        }

        if (fromIndex < 0)
        {
            return Fail<(string, string, string, (int, int), int?)>(ins.Line, $"COPY --from={from}: no earlier stage of that name");
        }

        if (rest.Count != 2)
        {
            return Fail<(string, string, string, (int, int), int?)>(ins.Line, "COPY must copy exactly one source to one destination");
        }

        var (src, dest) = (rest[0], rest[1]);
        if (!dest.StartsWith("/bin/", StringComparison.Ordinal) || dest.Length == 5 || dest[5..].Contains('/', StringComparison.Ordinal))
        {
            return Fail<(string, string, string, (int, int), int?)>(ins.Line, $"COPY destination {dest}: the stand-in puts the binary at /bin/<binary> only");
        }

        var binary = dest[5..];
        if (!src.EndsWith("/release/" + binary, StringComparison.Ordinal))
        {
            return Fail<(string, string, string, (int, int), int?)>(ins.Line, $"COPY source {src}: expected cargo's .../release/{binary}");
        }

        return StandInResult<(string, string, string, (int, int), int?)>.Ok((binary, src, stages[fromIndex].Name ?? fromIndex.ToString(CultureInfo.InvariantCulture), owner, mode));
    }

    private static string StageIndex(IReadOnlyList<BuildStage> stages, BuildStage s) =>
        stages.ToList().IndexOf(s).ToString(CultureInfo.InvariantCulture);

    /// <summary>The build stage's cargo build command: the thing the prebuilt binary stands in for.</summary>
    private static StandInResult<CargoCommand> FindCargo(BuildStage stage, string binary)
    {
        foreach (var ins in stage.Instructions.Where(i => i.Keyword == "RUN"))
        {
            var words = ins.Arguments.TrimStart().StartsWith('[') ? JsonWords(ins.Arguments) : Words(ins.Arguments);
            if (words is null)
            {
                return Fail<CargoCommand>(ins.Line, "RUN in JSON form is not a JSON array of strings");
            }

            if (words.Count < 2 || words[0] != "cargo")
            {
                continue;
            }

            var auditable = words[1] == "auditable";
            var at = auditable ? 2 : 1;
            if (words.Count <= at || words[at] != "build")
            {
                continue;
            }

            var features = new SortedSet<string>(StringComparer.Ordinal);
            bool noDefault = false, release = false;
            string? target = null, bin = null;
            for (var i = at + 1; i < words.Count; i++)
            {
                var w = words[i];
                string? Next() => i + 1 < words.Count ? words[++i] : null;
                var eq = w.IndexOf('=', StringComparison.Ordinal);
                var (flag, inline) = w.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? (w[..eq], w[(eq + 1)..]) : (w, null);
                switch (flag)
                {
                    case "--release":
                        release = true;
                        break;
                    case "--locked":
                    case "--frozen":
                    case "--offline":
                        break;
                    case "--no-default-features":
                        noDefault = true;
                        break;
                    case "--features":
                    case "-F":
                        foreach (var f in (inline ?? Next() ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
                        {
                            features.Add(f);
                        }

                        break;
                    case "--target":
                        target = inline ?? Next();
                        break;
                    case "--bin":
                        bin = inline ?? Next();
                        break;
                    default:
                        return Fail<CargoCommand>(ins.Line, $"cargo flag {w} is not understood by the stand-in (it cannot tell which prebuilt binary that build would give)");
                }
            }

            if (!release)
            {
                return Fail<CargoCommand>(ins.Line, "cargo build without --release leaves no binary in target/.../release");
            }

            if (bin is not null && bin != binary)
            {
                return Fail<CargoCommand>(ins.Line, $"cargo builds --bin {bin} but the final stage copies {binary}");
            }

            return StandInResult<CargoCommand>.Ok(new CargoCommand(auditable, [.. features], noDefault, target, bin));
        }

        return Fail<CargoCommand>(stage.Line, $"stage {stage.Name} runs no cargo build: nothing a prebuilt binary could stand in for");
    }

    private static StandInResult<IReadOnlyList<string>> CommandForm(Instruction ins)
    {
        if (ins.Arguments.TrimStart().StartsWith('['))
        {
            var words = JsonWords(ins.Arguments);
            return words is null
                ? Fail<IReadOnlyList<string>>(ins.Line, $"{ins.Keyword} in JSON form is not a JSON array of strings")
                : StandInResult<IReadOnlyList<string>>.Ok(words);
        }

        return StandInResult<IReadOnlyList<string>>.Ok(["/bin/sh", "-c", ins.Arguments]);
    }

    private static StandInResult<IReadOnlyList<(string, string)>> KeyValues(Instruction ins)
    {
        var words = Words(ins.Arguments);
        if (words.Count == 0)
        {
            return Fail<IReadOnlyList<(string, string)>>(ins.Line, $"{ins.Keyword} needs key=value");
        }

        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            // Legacy form: ENV KEY value with spaces.
            var space = ins.Arguments.IndexOf(' ', StringComparison.Ordinal);
            return space < 0
                ? Fail<IReadOnlyList<(string, string)>>(ins.Line, $"{ins.Keyword} {words[0]} has no value")
                : StandInResult<IReadOnlyList<(string, string)>>.Ok([(words[0], ins.Arguments[(space + 1)..].Trim())]);
        }

        var pairs = new List<(string, string)>();
        foreach (var w in words)
        {
            var eq = w.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return Fail<IReadOnlyList<(string, string)>>(ins.Line, $"{ins.Keyword} entry {w} is not key=value");
            }

            pairs.Add((w[..eq], w[(eq + 1)..]));
        }

        return StandInResult<IReadOnlyList<(string, string)>>.Ok(pairs);
    }

    /// <summary>Joins continuation lines, drops comments and blank lines.</summary>
    internal static IEnumerable<Instruction> LogicalLines(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var sb = new StringBuilder();
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            if (sb.Length == 0)
            {
                start = i + 1;
            }

            var body = line.TrimEnd();
            if (body.EndsWith('\\'))
            {
                sb.Append(body, 0, body.Length - 1).Append(' ');
                continue;
            }

            sb.Append(body);
            var joined = sb.ToString().Trim();
            sb.Clear();
            var space = joined.IndexOfAny([' ', '\t']);
            yield return space < 0
                ? new Instruction(joined.ToUpperInvariant(), "", start)
                : new Instruction(joined[..space].ToUpperInvariant(), joined[(space + 1)..].Trim(), start);
        }

        if (sb.Length > 0)
        {
            var joined = sb.ToString().Trim();
            var space = joined.IndexOfAny([' ', '\t']);
            yield return new Instruction(space < 0 ? joined.ToUpperInvariant() : joined[..space].ToUpperInvariant(), space < 0 ? "" : joined[(space + 1)..].Trim(), start);
        }
    }

    /// <summary>Whitespace-separated words; double quotes group (and are removed).</summary>
    internal static List<string> Words(string s)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in s)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (!quoted && char.IsWhiteSpace(c))
            {
                if (any)
                {
                    words.Add(sb.ToString());
                    sb.Clear();
                    any = false;
                }
            }
            else
            {
                sb.Append(c);
                any = true;
            }
        }

        if (any)
        {
            words.Add(sb.ToString());
        }

        return words;
    }

    private static List<string>? JsonWords(string s)
    {
        try
        {
            if (JsonNode.Parse(s) is not JsonArray array)
            {
                return null;
            }

            var words = new List<string>();
            foreach (var n in array)
            {
                if (n is not JsonValue v || !v.TryGetValue<string>(out var w))
                {
                    return null;
                }

                words.Add(w);
            }

            return words;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static StandInResult<T> Fail<T>(int line, string message) =>
        StandInResult<T>.Fail(string.Create(CultureInfo.InvariantCulture, $"Containerfile line {line}: {message}"));
}
