using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TinyImage.Operator.Hosting;
using TinyImage.Oci.Layers;
using TinyImage.Testing;
using TinyImage.Yaml;
using Xunit;

namespace TinyImage.Operator.Tests.Manifests;

/// <summary>
/// The operator runs on a read-only root filesystem. Every path its code writes to must be a mounted, writable, size-limited
/// volume in what the chart and <c>config/default</c> render. The write paths are enumerated from the source: file-writing
/// and temp-directory APIs may appear only in <see cref="ScratchSpace"/>, whose root is <c>--temp-dir</c> (else <c>$TMPDIR</c>).
/// </summary>
public sealed partial class WritePathTests
{
    /// <summary>The one class allowed to create, write or delete files and to ask for the temp directory.</summary>
    private static readonly string AllowedWriter = Path.Combine("src", "TinyImage.Oci", "Layers", "ScratchSpace.cs");

    /// <summary>APIs that write to the filesystem or name the temp directory (reads such as File.Exists or FileMode.Open are fine).</summary>
    [GeneratedRegex(@"Path\.GetTemp(Path|FileName)|CreateTemp(Subdirectory|File)|Environment\.GetEnvironmentVariable\(""(TMPDIR|TEMP|TMP)""\)|\bFile\.(Create|Write|Append|Move|Copy|Replace|Delete|OpenWrite|SetUnixFileMode|SetAttributes)|\bDirectory\.(Create|Delete|Move)|\.CreateSubdirectory\(|FileMode\.(Create|CreateNew|Append|OpenOrCreate|Truncate)\b|FileAccess\.(Write|ReadWrite)\b|new\s+StreamWriter\(\s*""|new\s+StreamWriter\(\s*path|File\.OpenHandle|FileOptions\.DeleteOnClose|MemoryMappedFile\.Create")]
    private static partial Regex WriteApi();

    private static IEnumerable<(string File, int Line, string Text)> WriteApiUses()
    {
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Repo("src"), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Root, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].TrimStart();
                if (!code.StartsWith("//", StringComparison.Ordinal) && WriteApi().IsMatch(code))
                {
                    yield return (relative, i + 1, code);
                }
            }
        }
    }

    [Fact]
    public void Only_The_Scratch_Space_Writes_Files_Or_Names_The_Temp_Directory()
    {
        var uses = WriteApiUses().ToList();

        Assert.Contains(uses, u => u.File == AllowedWriter); // the scan finds the writes that exist
        var elsewhere = uses.Where(u => u.File != AllowedWriter).Select(u => $"{u.File}:{u.Line}: {u.Text}").ToList();
        Assert.True(elsewhere.Count == 0, "File writes outside ScratchSpace (route them through it, or mount a volume and extend this test):\n" + string.Join('\n', elsewhere));
    }

    [Fact]
    public void The_Scan_Catches_The_Temp_Usage_This_Issue_Removed()
    {
        Assert.Matches(WriteApi(), "var work = Directory.CreateTempSubdirectory(\"tinyimage-layers-\");");
        Assert.Matches(WriteApi(), "Path.Combine(Path.GetTempPath(), \"tinyimage-binary-\")");
        Assert.Matches(WriteApi(), "new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None)");
        Assert.DoesNotMatch(WriteApi(), "new FileStream(options.Target, FileMode.Open, FileAccess.Read, FileShare.Read)");
        Assert.DoesNotMatch(WriteApi(), "if (File.Exists(path))");
    }

    public static TheoryData<string, string[]> Renderings() => new()
    {
        { "helm defaults", [] },
        { "helm with another mount path", ["--set", "scratch.mountPath=/var/run/tinyimage/scratch", "--set", "scratch.sizeLimit=256Mi"] },
        { "helm with a memory-backed scratch", ["--set", "scratch.medium=Memory"] },
        { "kustomize config/default", ["kustomize"] },
    };

    [Theory]
    [MemberData(nameof(Renderings))]
    public async Task Every_Path_The_Operator_Writes_Is_A_Mounted_Writable_Size_Limited_Volume(string name, string[] set)
    {
        var deployment = (await RenderAsync(set)).Single(o => (string?)o["kind"] == "Deployment");
        var pod = deployment["spec"]!["template"]!["spec"]!.AsObject();
        var container = pod["containers"]![0]!.AsObject();
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToList();
        var env = container["env"]!.AsArray().Where(e => e!["value"] is not null).ToDictionary(e => (string)e!["name"]!, e => (string)e!["value"]!);
        var (parsed, error) = RunArguments.Parse(args[1..], n => env.GetValueOrDefault(n));
        Assert.True(error is null, error);

        // What the code writes to: ScratchSpace's root, from --temp-dir, else $TMPDIR. Both must be set and agree.
        var tempDir = parsed!.Options.TempDirectory;
        Assert.False(string.IsNullOrEmpty(tempDir), name + ": the operator is not given --temp-dir");
        Assert.Equal(tempDir, env.GetValueOrDefault("TMPDIR"));
        Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!, name + ": the root filesystem is expected read-only");

        var mount = container["volumeMounts"]?.AsArray().SingleOrDefault(m => IsUnder(tempDir!, (string)m!["mountPath"]!));
        Assert.True(mount is not null, name + ": " + tempDir + " is not on a mounted volume");
        Assert.NotEqual(true, (bool?)mount!["readOnly"]);
        var volume = pod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == (string?)mount["name"])!;
        var emptyDir = volume["emptyDir"];
        Assert.True(emptyDir is not null, name + ": the scratch volume is not an emptyDir");
        Assert.False(string.IsNullOrEmpty((string?)emptyDir!["sizeLimit"]), name + ": the scratch emptyDir has no sizeLimit");
        Assert.Equal(ScratchSpace.From(tempDir).Root, Path.GetFullPath(tempDir!));
    }

    private static bool IsUnder(string path, string mountPath) =>
        path == mountPath || path.StartsWith(mountPath.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static async Task<List<JsonObject>> RenderAsync(string[] set)
    {
        ExternalTool.Result result;
        if (set is ["kustomize"])
        {
            var kubectl = ExternalTool.Find("kubectl", RepoPaths.Tools("bin", "kubectl"));
            Assert.SkipWhen(kubectl is null, "kubectl is not installed: run scripts/install-tools.sh (it puts kubectl in .tools/bin)");
            result = await ExternalTool.RunAsync(kubectl!, ["kustomize", "config/default"], RepoPaths.Root, TestContext.Current.CancellationToken);
        }
        else
        {
            var helm = ExternalTool.Find("helm", RepoPaths.Tools("bin", "helm"));
            Assert.SkipWhen(helm is null, "helm is not installed: run scripts/install-tools.sh (it puts helm in .tools/bin)");
            result = await ExternalTool.RunAsync(helm!, ["template", "t", "charts/tinyimage-operator", "--namespace", "tinyimage-system", .. set], RepoPaths.Root, TestContext.Current.CancellationToken);
        }

        Assert.True(result.ExitCode == 0, result.Stderr);
        return [.. YamlReader.ReadRoots(result.Stdout).OfType<JsonObject>()];
    }
}
