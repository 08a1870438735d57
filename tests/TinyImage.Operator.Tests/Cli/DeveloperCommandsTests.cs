using System.Xml.Linq;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Cli;

/// <summary>
/// The developer command <c>crd</c> is left out of the NativeAOT binary by a feature switch (BENCHMARKS.md section 6,
/// "size"). Swaps the process-wide Console.Error and an AppContext switch, so it runs alone.
/// </summary>
[CollectionDefinition(nameof(DeveloperCommandsTests), DisableParallelization = true)]
[Collection(nameof(DeveloperCommandsTests))]
public sealed class DeveloperCommandsTests
{
    [Fact]
    public async Task Without_The_Developer_Commands_Crd_Says_Where_To_Run_It_And_Exits_2()
    {
        var previous = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        AppContext.SetSwitch(DeveloperCommands.SwitchName, false);
        try
        {
            Assert.False(DeveloperCommands.IsSupported);
            Assert.Equal(2, await Program.Main(["crd"]));
        }
        finally
        {
            AppContext.SetSwitch(DeveloperCommands.SwitchName, true);
            Console.SetError(previous);
        }

        Assert.Equal(DeveloperCommands.Unavailable("crd") + Environment.NewLine, error.ToString());
        Assert.Contains("dotnet run --project src/TinyImage.Operator -- crd", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_The_Developer_Commands_Crd_Prints_The_Crd()
    {
        var previous = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            Assert.True(DeveloperCommands.IsSupported);
            Assert.Equal(0, await Program.Main(["crd"]));
        }
        finally
        {
            Console.SetOut(previous);
        }

        Assert.Equal(global::TinyImage.Operator.Crd.CrdGenerator.Yaml(), output.ToString());
    }

    [Fact]
    public void A_NativeAot_Publish_Turns_The_Developer_Commands_Off_As_A_Trimming_Switch()
    {
        var project = XDocument.Load(RepoPaths.Repo("src", "TinyImage.Operator", "TinyImage.Operator.csproj"));
        var option = Assert.Single(project.Descendants("RuntimeHostConfigurationOption"), o => (string?)o.Attribute("Include") == DeveloperCommands.SwitchName);
        Assert.Equal("false", (string?)option.Attribute("Value"));
        // Trim="true" hands the value to ILC as a constant; without it the code stays in the binary.
        Assert.Equal("true", (string?)option.Attribute("Trim"));
        Assert.Equal("'$(PublishAot)' == 'true'", (string?)option.Parent!.Attribute("Condition"));
    }
}
