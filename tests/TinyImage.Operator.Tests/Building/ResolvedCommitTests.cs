using TinyImage.Api.V1Alpha1;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using Xunit;

namespace TinyImage.Operator.Tests.Building;

/// <summary>The resolved git commit names the build (its hash) and pins Kaniko's checkout (its git context).</summary>
public sealed class ResolvedCommitTests
{
    private const string First = "1111111111111111111111111111111111111111";
    private const string Second = "2222222222222222222222222222222222222222";
    private static readonly OperatorOptions Options = new();

    [Fact]
    public void A_New_Commit_Of_The_Tracked_Branch_Changes_The_Build_Hash_And_The_Same_Commit_Keeps_It()
    {
        var ti = Samples.Git().Valid();
        Assert.NotEqual(BuildHash.Compute(ti, Options, null, First), BuildHash.Compute(ti, Options, null, Second));
        Assert.Equal(BuildHash.Compute(ti, Options, null, First), BuildHash.Compute(ti, Options, null, First));
        Assert.Contains("source.git.commit=\"" + First + "\"", BuildHash.Canonicalize(ti, Options, null, First), StringComparison.Ordinal);
    }

    [Fact]
    public void A_Pinned_Commit_Is_Hashed_Once_As_The_Ref_Not_Again_As_A_Resolved_Commit()
    {
        var source = Samples.Git();
        source.Spec.Source.Git!.Ref = new GitRef { Commit = First };
        var ti = source.Valid();
        Assert.Equal(BuildHash.Compute(ti, Options), BuildHash.Compute(ti, Options, null, First));
    }

    [Fact]
    public void Kaniko_Checks_Out_The_Resolved_Commit_Of_The_Branch()
    {
        var ti = Samples.Git().Valid();
        var hash = BuildHash.Compute(ti, Options, null, First);
        var args = KanikoJobBuilder.BuildJob(ti, hash, Options, First, "refs/heads/main").Spec.Template.Spec.Containers[0].Args;
        Assert.Contains("--context=git://git.example.com/team/services.git#refs/heads/main#" + First, args);
    }

    [Theory]
    [InlineData(null, "v1", "#refs/tags/v1#" + First)]
    [InlineData(null, null, "#refs/heads/trunk#" + First)]
    public void A_Tag_Or_The_Default_Branch_Is_Pinned_The_Same_Way(string? branch, string? tag, string expected)
    {
        var git = new GitSource { Url = "https://git.example.com/a.git", Ref = branch is null && tag is null ? null : new GitRef { Branch = branch, Tag = tag } };
        Assert.Equal("git://git.example.com/a.git" + expected, KanikoJobBuilder.GitContext(git, First, "refs/heads/trunk"));
    }

    [Fact]
    public void Without_A_Resolved_Commit_The_Context_Names_Only_The_Ref()
    {
        var git = new GitSource { Url = "https://git.example.com/a.git", Ref = new GitRef { Branch = "main" } };
        Assert.Equal("git://git.example.com/a.git#refs/heads/main", KanikoJobBuilder.GitContext(git));
        Assert.Equal("git://git.example.com/a.git#" + First, KanikoJobBuilder.GitContext(new GitSource { Url = git.Url, Ref = new GitRef { Commit = First } }, Second));
    }
}
