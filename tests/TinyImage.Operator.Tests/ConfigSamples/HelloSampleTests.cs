using TinyImage.Yaml;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.ConfigSamples;

/// <summary>The hello sample's source ConfigMap is the demo workload the fixtures are built from, byte for byte.</summary>
public sealed class HelloSampleTests
{
    [Theory]
    [InlineData("Cargo.toml", "Cargo.toml")]
    [InlineData("Cargo.lock", "Cargo.lock")]
    [InlineData("main.rs", "src/main.rs")]
    public void Sample_Source_ConfigMap_Holds_The_Demo_Workload_File(string key, string path)
    {
        var result = YamlReader.Read(File.ReadAllText(RepoPaths.Repo("config", "samples", "hello-src.yaml")));
        var data = result.Documents.Single().Root!["data"]!;

        Assert.Equal(File.ReadAllText(RepoPaths.Repo("tests", "data", "hello-service", path)), (string?)data[key]);
    }

    [Fact]
    public void Sample_TinyImage_Builds_The_Demo_Workload_Binary()
    {
        var result = YamlReader.Read(File.ReadAllText(RepoPaths.Repo("config", "samples", "tinyimage_v1alpha1_hello.yaml")));
        var cargo = File.ReadAllText(RepoPaths.Repo("tests", "data", "hello-service", "Cargo.toml"));

        var binary = (string)result.Documents.Single().Root!["spec"]!["binary"]!;

        Assert.Contains("name = \"" + binary + "\"", cargo, StringComparison.Ordinal);
    }
}
