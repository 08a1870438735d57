using Xunit;

namespace TinyImage.Operator.Tests.Cli;

/// <summary>Swaps the process-wide Console.Out, so it runs alone rather than beside tests that may write to it.</summary>
[CollectionDefinition(nameof(VersionTests), DisableParallelization = true)]
[Collection(nameof(VersionTests))]
public sealed class VersionTests
{
    [Fact]
    public void Version_Text_Names_The_Program_And_Its_Semantic_Version()
    {
        Assert.Matches(@"^tinyimage-operator [0-9]+\.[0-9]+\.[0-9]+$", Program.VersionText);
    }

    [Fact]
    public async Task Version_Flag_Prints_The_Version_And_Exits_Zero()
    {
        var previous = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, await Program.Main(["--version"]));
        }
        finally
        {
            Console.SetOut(previous);
        }

        Assert.Equal(Program.VersionText + Environment.NewLine, output.ToString());
    }
}
