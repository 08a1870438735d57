using System.Text;
using TinyImage.Api;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Reconciler;
using TinyImage.Operator.Tests.Building;
using TinyImage.Operator.Verification;
using Xunit;
using static TinyImage.Operator.Tests.Reconciler.StepHarness;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Operator.Tests.Reconciler;

/// <summary>status.build.history: verified builds, newest first, bounded by spec.build.historyLimit, within a status size budget.</summary>
public sealed class BuildHistoryTests
{
    /// <summary>What the history may add to the status at its largest (20 records): far below the 1.5 MB object limit.</summary>
    private const int HistoryBudgetBytes = 16 * 1024;

    [Fact]
    public void Verified_Builds_Are_Recorded_Newest_First_With_Digest_Binary_Size_Packages_And_Toolchain_Up_To_The_Limit()
    {
        var tinyImage = Samples.Hello();
        tinyImage.Spec.Build.HistoryLimit = 3;
        var status = new TinyImageStatus();
        for (var i = 0; i < 12; i++)
        {
            Record(tinyImage, status, i);
        }

        var history = status.Build!.History!;
        Assert.Equal([Digest('b'), Digest('a'), Digest('9')], history.Select(r => r.Digest));
        var newest = history[0];
        Assert.Equal(("hello", 1011L, 11, BuildReasons.SpecChanged), (newest.Binary, newest.SizeBytes, newest.PackageCount, newest.Reason));
        Assert.Equal("builder=rust:1-alpine@" + Digest('1'), newest.Toolchain);
    }

    [Fact]
    public void The_Same_Digest_Verified_Again_Is_Recorded_Once()
    {
        var tinyImage = Samples.Hello();
        var status = new TinyImageStatus();
        Record(tinyImage, status, 1);
        Record(tinyImage, status, 1);

        Assert.Single(status.Build!.History!);
    }

    [Fact]
    public void A_Full_History_Of_Twenty_Builds_Stays_Within_Its_Status_Size_Budget()
    {
        var tinyImage = Samples.Hello();
        tinyImage.Spec.Build.HistoryLimit = 20;
        var status = new TinyImageStatus();
        for (var i = 0; i < 25; i++)
        {
            Record(tinyImage, status, i);
        }

        var bytes = Encoding.UTF8.GetByteCount(ApiJson.Serialize(new TinyImageStatus { Build = new BuildStatus { History = status.Build!.History } }));
        Assert.Equal(20, status.Build.History!.Count);
        Assert.InRange(bytes, 1, HistoryBudgetBytes);
    }

    private static void Record(TinyImageResource tinyImage, TinyImageStatus status, int i)
    {
        var digest = i < 16 ? Digest("0123456789abcdef"[i]) : "sha256:" + i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);
        var hash = i.ToString("x10", System.Globalization.CultureInfo.InvariantCulture);
        status.Build = new BuildStatus
        {
            SpecHash = hash,
            Digest = digest,
            Reason = BuildReasons.SpecChanged,
            CompletionTime = Now.UtcDateTime.AddMinutes(i),
            Toolchain = [new ToolchainImage { Role = ToolchainImage.RoleBuilder, Image = "rust:1-alpine", Digest = Digest('1') }],
            History = status.Build?.History,
        };
        var current = WithStatus(tinyImage, status);
        var run = new Reconciliation(current, Now) { Hash = hash };
        BuildRecords.Verified(run, digest, new VerificationResult(true, VerificationReasons.Verified, "ok", 1000 + i, 1, new SbomSummary(i, "hello", 1), null));
        status.Build = run.Status.Build;
    }

    private static TinyImageResource WithStatus(TinyImageResource tinyImage, TinyImageStatus status)
    {
        var copy = ObjectCopy.Clone(tinyImage, TinyImageTypes.TinyImages.ItemInfo);
        copy.Status = status;
        return copy;
    }
}
