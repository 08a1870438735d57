using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using Xunit;
using C = TinyImage.Api.V1Alpha1.Conditions;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>Issue 16 item 5: the status stays within its size budget whatever the input, and the strict server stores it.</summary>
public sealed class StatusBudgetTests
{
    /// <summary>Text as hostile as a registry, a build log or an SBOM can make it: multi-byte, surrogate pairs, terminal escapes, a lone surrogate.</summary>
    private static string Hostile(int chars, string seed = "")
    {
        var text = new StringBuilder(seed);
        var pieces = new[] { "é", "😀", "\u001b[2J", "日本", "a", "\ud800", "\u0007", " " };
        for (var i = 0; text.Length < chars; i++)
        {
            text.Append(pieces[i % pieces.Length]);
        }

        return text.ToString();
    }

    private static string Digest(int i) => "sha256:" + i.ToString("x64", CultureInfo.InvariantCulture);

    /// <summary>A TinyImage's name is a DNS-1035 label (its Service is named after it).</summary>
    private static readonly string LongestName = "a" + new string('b', 61) + "c";

    private static readonly string LongestRepository = "registry.local:5000/" + new string('r', 235);

    /// <summary>Every field at its longest, every message far beyond the schema's 32768, the maximum of every list.</summary>
    private static TinyImageStatus WorstCase()
    {
        var conditions = new List<V1Condition>();
        foreach (var type in new[] { C.Ready, C.Reconciling, C.Stalled, C.Built, C.SbomVerified, C.Deployed, C.Vulnerable })
        {
            conditions.Add(new V1Condition
            {
                Type = type,
                Status = C.False,
                Reason = C.ReasonInvalidSpec,
                Message = Hostile(100_000, type + ": "),
                ObservedGeneration = long.MaxValue,
                LastTransitionTime = new DateTime(2026, 12, 2, 7, 0, 0, DateTimeKind.Utc),
            });
        }

        var env = new List<EnvVarStatus>();
        var copied = 0L;
        for (var i = 0; copied + 400 <= ServingStatus.MaxCopiedBytes; i++)
        {
            var name = "VAR_" + i.ToString(CultureInfo.InvariantCulture).PadLeft(100, '0');
            var value = new string('v', 300);
            env.Add(new EnvVarStatus { Name = name, Value = value });
            copied += name.Length + value.Length;
        }

        var time = new DateTime(2026, 12, 2, 7, 0, 0, DateTimeKind.Utc);
        return new TinyImageStatus
        {
            ObservedGeneration = long.MaxValue,
            Phase = Phases.Failed,
            Conditions = conditions,
            Source = new SourceStatus { Commit = new string('c', 40), Ref = "refs/heads/" + new string('b', 189), Message = Hostile(100_000), LastHandledPush = new string('p', 253) },
            Build = new BuildStatus
            {
                JobName = new string('j', 63),
                SpecHash = new string('h', 16),
                Digest = Digest(0),
                StartTime = time,
                CompletionTime = time,
                FailureReason = C.ReasonBuildFailed,
                FailureMessage = Hostile(100_000),
                Retry = new string('r', 253),
                Commit = new string('c', 40),
                LogTail = Hostile(64 * 1024, "cargo build\n"),
                Reason = BuildReasons.SpecChanged,
                Toolchain = [.. Enumerable.Range(0, 4).Select(i => new ToolchainImage { Role = ToolchainImage.RoleBuilder, Image = "registry.local/" + new string('t', 497), Digest = Digest(i) })],
                Inputs = Digest(1),
                ToolchainCheckedTime = time,
                History = [.. Enumerable.Range(0, StatusBudget.MaxHistory).Select(i => new BuildRecord
                {
                    Digest = Digest(i),
                    SpecHash = new string('h', 16),
                    Reason = BuildReasons.NewToolchain,
                    Commit = new string('c', 40),
                    Binary = new string('b', 64),
                    SizeBytes = long.MaxValue,
                    PackageCount = int.MaxValue,
                    Toolchain = "builder=" + Digest(i) + ",kaniko=" + Digest(i + 1),
                    CompletionTime = time,
                    VerifiedTime = time,
                })],
            },
            Image = new ImageStatus { Reference = LongestRepository + "@" + Digest(0), Digest = Digest(0), SizeBytes = long.MaxValue, LayerCount = int.MaxValue, Binary = new string('b', 64), SpecHash = new string('h', 16) },
            Serving = new ServingStatus
            {
                Reference = LongestRepository + "@" + Digest(0),
                Digest = Digest(0),
                SpecHash = new string('h', 16),
                Binary = new string('b', 64),
                Env = env,
                ContainerPort = 65535,
            },
            Sbom = new SbomStatus
            {
                PackageCount = int.MaxValue,
                RootPackage = Hostile(100_000),
                Format = int.MaxValue,
                ConfigMapName = LongestName + "-sbom",
                Advisories = new AdvisorySummary { Critical = int.MaxValue, High = int.MaxValue, Medium = int.MaxValue, Low = int.MaxValue, Unknown = int.MaxValue, NotCounted = int.MaxValue, DatabaseRevision = Digest(9) },
            },
            Verification = new VerificationStatus { Digest = Digest(0), PolicyHash = new string('p', 64), Passed = false, Reason = "AdvisoryFound", Message = Hostile(100_000), Retry = new string('r', 253) },
            LastHandledRetry = new string('r', 253),
            Deployment = new DeploymentStatus { Name = LongestName, ReadyReplicas = int.MaxValue },
        };
    }

    [Fact]
    public async Task The_Worst_Case_Status_Is_Written_Within_The_Budget_And_The_Strict_Server_Stores_It()
    {
        await using var harness = await StepHarness.StartAsync();
        harness.CreateSource();
        var tinyImage = await harness.CreateTinyImageAsync(LongestName);
        var status = WorstCase();
        Assert.True(StatusBudget.Size(status) > 10 * StatusBudget.MaxBytes, "the worst case is far over the budget before it is enforced");

        var patcher = new StatusPatcher(harness.Cluster.TinyImages, new RecentWrites<TinyImageResource>(), tinyImage);
        Assert.True(await patcher.WriteIfChangedAsync(status, StepHarness.Token), "the strict server refused the status write");

        var stored = harness.Kube.Get("tinyimage.dev/v1alpha1", "tinyimages", StepHarness.Namespace, LongestName).Body["status"]!.AsObject();
        var bytes = Encoding.UTF8.GetByteCount(stored.ToJsonString());
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"worst-case status: {StatusBudget.Size(WorstCase())} B before, {bytes} B stored (budget {StatusBudget.MaxBytes} B); history {stored["build"]!["history"]!.AsArray().Count}, logTail {Encoding.UTF8.GetByteCount((string)stored["build"]!["logTail"]!)} B"));
        Assert.InRange(bytes, 1, StatusBudget.MaxBytes);
        foreach (var condition in stored["conditions"]!.AsArray())
        {
            var message = (string)condition!["message"]!;
            Assert.InRange(Encoding.UTF8.GetByteCount(message), 1, StatusBudget.MaxMessageBytes);
            Assert.EndsWith(StatusBudget.Marker, message, StringComparison.Ordinal);
            AssertPrintable(message);
        }

        var logTail = (string)stored["build"]!["logTail"]!;
        Assert.StartsWith(StatusBudget.Marker, logTail, StringComparison.Ordinal);
        AssertPrintable(logTail);
        Assert.Equal(status.Serving!.Env!.Count, stored["serving"]!["env"]!.AsArray().Count);
        Assert.Equal(StatusBudget.MaxHistory, stored["build"]!["history"]!.AsArray().Count);
        Assert.Equal(Digest(0), (string?)stored["build"]!["history"]![0]!["digest"]);

        // A second pass computing the same worst case writes nothing: the budget is idempotent.
        var writes = harness.Writes("tinyimages");
        Assert.True(await patcher.WriteIfChangedAsync(WorstCase(), StepHarness.Token));
        Assert.Equal(writes, harness.Writes("tinyimages"));
    }

    [Fact]
    public void Without_Pressure_Every_History_Entry_And_The_Log_Tail_Up_To_Its_Cap_Are_Kept()
    {
        var status = WorstCase();
        status.Serving!.Env = null;
        status.Conditions = [.. status.Conditions!.Take(3)];

        StatusBudget.Enforce(status);

        Assert.Equal(StatusBudget.MaxHistory, status.Build!.History!.Count);
        Assert.InRange(Encoding.UTF8.GetByteCount(status.Build.LogTail!), StatusBudget.MaxLogTailBytes - 4, StatusBudget.MaxLogTailBytes);
        Assert.All(status.Conditions, c => Assert.InRange(Encoding.UTF8.GetByteCount(c.Message), StatusBudget.MaxMessageBytes - 4, StatusBudget.MaxMessageBytes));
    }

    [Fact]
    public void Enforce_Returns_The_Status_Serialized_As_Measured_After_Every_Cut()
    {
        var pressed = WorstCase();
        var relaxed = WorstCase();
        relaxed.Serving!.Env = null;
        relaxed.Conditions = [.. relaxed.Conditions!.Take(3)];

        foreach (var status in new[] { pressed, relaxed })
        {
            var json = StatusBudget.Enforce(status);

            // The bytes the patch compares and sends are the status as it stands after the cuts, and within the budget.
            Assert.Equal(TinyImage.Api.ApiJson.Serialize(status), Encoding.UTF8.GetString(json));
            Assert.Equal(StatusBudget.Size(status), json.Length);
            Assert.InRange(json.Length, 1, StatusBudget.MaxBytes);
        }
    }

    [Theory]
    [InlineData("é")]
    [InlineData("😀")]
    [InlineData("日本")]
    public void Truncation_Cuts_On_A_Character_Boundary_Ends_In_The_Marker_And_Is_Idempotent(string piece)
    {
        var text = string.Concat(Enumerable.Repeat("x" + piece, 2000));

        var cut = StatusBudget.Truncate(text, 1001);
        var tail = StatusBudget.TruncateStart(text, 1001);

        Assert.InRange(Encoding.UTF8.GetByteCount(cut), 1001 - 4, 1001);
        Assert.EndsWith(StatusBudget.Marker, cut, StringComparison.Ordinal);
        Assert.StartsWith(cut[..^StatusBudget.Marker.Length], text, StringComparison.Ordinal);
        Assert.InRange(Encoding.UTF8.GetByteCount(tail), 1001 - 4, 1001);
        Assert.EndsWith(tail[StatusBudget.Marker.Length..], text, StringComparison.Ordinal);
        AssertPrintable(cut);
        AssertPrintable(tail);
        Assert.Equal(cut, StatusBudget.Truncate(cut, 1001));
        Assert.Equal(tail, StatusBudget.TruncateStart(tail, 1001));
        Assert.Equal("short é", StatusBudget.Truncate("short é", 1001));
    }

    [Fact]
    public void Terminal_Escapes_And_Lone_Surrogates_Are_Replaced_And_Newlines_And_Tabs_Kept()
    {
        Assert.Equal("?[31mred?\tline\nnext \uFFFD 😀", StatusBudget.Clean("\u001b[31mred\u0007\tline\nnext \udc00 😀"));
    }

    [Fact]
    public void A_Spec_Whose_Args_And_Env_Exceed_What_Status_Can_Copy_Is_Invalid_And_Names_The_Budget()
    {
        var tinyImage = new TinyImageResource
        {
            Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "demo" },
            Spec = new TinyImageSpec
            {
                Source = new SourceSpec { ConfigMap = new ConfigMapSource { Name = "hello-src" } },
                Binary = "hello",
                Output = new OutputSpec { Repository = "registry.local:5000/team/hello" },
            },
        };
        tinyImage.Spec.Deploy.Env = [.. Enumerable.Range(0, 40).Select(i => new EnvVarSpec { Name = "V" + i.ToString(CultureInfo.InvariantCulture), Value = new string('v', 500) })];

        var validation = SpecValidator.Validate(tinyImage);

        Assert.False(validation.IsValid);
        Assert.Contains(validation.Errors, e => e.ToString().StartsWith("spec.deploy: args and env hold", StringComparison.Ordinal)
            && e.ToString().Contains(ServingStatus.MaxCopiedBytes.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        tinyImage.Spec.Deploy.Env = [.. tinyImage.Spec.Deploy.Env.Take(30)];
        Assert.DoesNotContain(SpecValidator.Validate(tinyImage).Errors, e => e.ToString().StartsWith("spec.deploy:", StringComparison.Ordinal));
    }

    private static void AssertPrintable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            Assert.False(char.IsControl(c) && c is not '\n' and not '\t', "a control character survived at " + i);
            if (char.IsHighSurrogate(c))
            {
                Assert.True(i + 1 < text.Length && char.IsLowSurrogate(text[++i]), "a surrogate pair was split at " + i);
            }
            else
            {
                Assert.False(char.IsLowSurrogate(c), "a lone low surrogate at " + i);
            }
        }
    }
}
