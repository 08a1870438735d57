using Xunit;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Operator.Cli;
using TinyImage.Oci;
using TinyImage.Oci.Layers;
using TinyImage.Operator.Verification;
using TinyImage.Testing;
using static TinyImage.Oci.Tests.TestImageBuilder;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// Verification writes its temporary files only to the scratch directory (<c>--temp-dir</c>), and a scratch directory that
/// cannot be used is a named error (<c>ScratchSpaceUnavailable</c>): exit 2 from <c>verify</c>, a retried, uncached result
/// from the operator's verifier; never an unhandled exception. In the shipped pod the root filesystem is read-only.
/// </summary>
public sealed class ScratchSpaceTests(PlainRegistryFixture registry) : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("tinyimage-scratch-test-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(work, recursive: true);

    private static byte[] AuditableBinary()
    {
        var dir = RepoPaths.AuditableFixtures;
        var path = dir is null ? null : Path.Combine(dir, "rustsec__binary-with-audit-info");
        Assert.SkipWhen(path is null || !System.IO.File.Exists(path), "The auditable fixtures are absent (../shared/fixtures/auditable not found).");
        return System.IO.File.ReadAllBytes(path!);
    }

    private async Task<string> PushAsync(string repository)
    {
        registry.SkipIfUnavailable();
        using var client = registry.Client();
        return await BinaryImage("hello-world", AuditableBinary()).PushAsync(client, registry.Ref(repository), "v1", Ct);
    }

    private static async Task<(int Exit, string Out, string Err)> VerifyAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await new VerifyCommand().RunAsync(args, stdout, stderr, Ct);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Directories the verifier cannot write into, whoever runs the test (root ignores a 0555 mode, so none rely on it).</summary>
    public static TheoryData<string> Unusable() => new() { "missing", "a file" };

    private string UnusableDirectory(string kind)
    {
        if (kind == "missing")
        {
            return Path.Combine(work, "no-such-dir");
        }

        var file = Path.Combine(work, "not-a-dir");
        System.IO.File.WriteAllText(file, "x");
        return file;
    }

    [Theory]
    [MemberData(nameof(Unusable))]
    public async Task Verify_Verb_With_An_Unusable_Temp_Dir_Exits_2_Naming_ScratchSpaceUnavailable(string kind)
    {
        var digest = await PushAsync("scratch/cli");
        var temp = UnusableDirectory(kind);

        var (exit, stdout, stderr) = await VerifyAsync($"{registry.Host}/scratch/cli@{digest}", "--insecure", "--temp-dir", temp, LoopbackAllowed.Flag);

        Assert.Equal(VerifyCommand.ExitUsage, exit);
        Assert.StartsWith(ScratchSpace.ErrorName + ": ", stderr.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
        Assert.Contains(temp, stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task Verify_Verb_With_A_Writable_Temp_Dir_Verifies_And_Leaves_Nothing_Behind()
    {
        var digest = await PushAsync("scratch/cli-ok");
        var temp = Directory.CreateDirectory(Path.Combine(work, "scratch")).FullName;

        var (exit, stdout, stderr) = await VerifyAsync($"{registry.Host}/scratch/cli-ok@{digest}", "--insecure", "--temp-dir", temp, LoopbackAllowed.Flag);

        Assert.True(exit == VerifyCommand.ExitPassed, stderr);
        Assert.Contains("hello-world", stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
    }

    [Fact]
    public async Task Verifier_With_An_Unusable_Temp_Dir_Reports_A_Retried_Uncached_Failure_Then_Verifies_Once_It_Is_Writable()
    {
        var digest = await PushAsync("scratch/operator");
        var temp = Path.Combine(work, "mounted-later");
        using var verifier = new ImageVerifier(new ImageVerifierOptions { TempDirectory = temp, Client = LoopbackAllowed.Options }, TimeProvider.System, NullLogger<ImageVerifier>.Instance);
        var request = new VerificationRequest($"{registry.Host}/scratch/operator", digest, "hello-world", VerifyPolicy.Default, null, Insecure: true);

        var failed = await verifier.VerifyAsync(request, Ct);
        Directory.CreateDirectory(temp);
        var passed = await verifier.VerifyAsync(request, Ct);

        Assert.False(failed.Passed);
        Assert.Equal(VerificationReasons.ScratchSpaceUnavailable, failed.Reason); // its own reason, which the reconciler retries
        Assert.True(VerificationReasons.IsTransient(failed.Reason));
        Assert.StartsWith(ScratchSpace.ErrorName + ": ", failed.Message, StringComparison.Ordinal);
        Assert.True(passed.Passed, passed.Message);
        Assert.Equal(2, verifier.Pulls);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp));
    }
}
