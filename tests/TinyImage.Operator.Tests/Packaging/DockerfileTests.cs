using System.Text.RegularExpressions;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Packaging;

/// <summary>The Dockerfile cannot be built here (no engine, no base images); these check what can be checked.</summary>
public sealed partial class DockerfileTests
{
    /// <summary>Logical instructions: continuation lines joined, comments dropped.</summary>
    private static readonly string[] Lines = File.ReadAllText(RepoPaths.Repo("Dockerfile"))
        .Replace("\\\n", " ", StringComparison.Ordinal)
        .Split('\n')
        .Where(l => !l.TrimStart().StartsWith('#'))
        .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        .ToArray();

    [Fact]
    public void Every_Path_The_Dockerfile_Copies_From_The_Context_Exists()
    {
        var sources = Lines
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(l => l["COPY ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            .ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, s => Assert.True(File.Exists(RepoPaths.Repo(s)) || Directory.Exists(RepoPaths.Repo(s)), $"COPY source {s} does not exist"));
    }

    [Fact]
    public void Every_Context_Path_Is_Not_Excluded_By_Dockerignore()
    {
        var ignored = File.ReadAllLines(RepoPaths.Repo(".dockerignore")).Select(l => l.Trim().TrimEnd('/')).Where(l => l.Length > 0).ToList();
        var sources = Lines
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(l => l["COPY ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1));

        Assert.All(sources, s => Assert.DoesNotContain(ignored, i => s.TrimEnd('/') == i || s.StartsWith(i + "/", StringComparison.Ordinal)));
    }

    [Fact]
    public void Final_Stage_Runs_As_A_Numeric_Non_Root_User_With_Exec_Form_Entrypoint()
    {
        var lastFrom = Array.FindLastIndex(Lines, l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var finalStage = Lines[lastFrom..];

        var user = finalStage.Single(l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.Matches(NumericUser(), user);
        Assert.DoesNotContain(":0", user, StringComparison.Ordinal);
        Assert.Contains(finalStage, l => l.StartsWith("ENTRYPOINT [\"", StringComparison.Ordinal));
        Assert.Contains("chiseled", finalStage[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Stage_Publishes_With_NativeAot()
    {
        Assert.Contains(Lines, l => l.Contains("-p:PublishAot=true", StringComparison.Ordinal) && l.Contains("dotnet publish", StringComparison.Ordinal));
    }

    [GeneratedRegex("^USER [1-9][0-9]*:[1-9][0-9]*$")]
    private static partial Regex NumericUser();
}
