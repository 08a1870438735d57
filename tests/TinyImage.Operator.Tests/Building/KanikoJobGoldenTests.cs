using TinyImage.Api;
using TinyImage.Operator.Building;
using TinyImage.Operator.Configuration;
using TinyImage.Yaml;
using Xunit;

namespace TinyImage.Operator.Tests.Building;

public sealed class KanikoJobGoldenTests
{
    private const string Hash = "0123456789";
    private static readonly OperatorOptions Options = new();

    [Fact]
    public void ConfigMap_Source_Job_Matches_Its_Golden_File()
    {
        Golden.Check("Building/golden/job-configmap-source.yaml", YamlWriter.ToYaml(OperatorJson.ToNode(KanikoJobBuilder.BuildJob(Samples.Hello().Valid(), Hash, Options))));
    }

    [Fact]
    public void Git_Source_Job_Matches_Its_Golden_File()
    {
        Golden.Check("Building/golden/job-git-source.yaml", YamlWriter.ToYaml(OperatorJson.ToNode(KanikoJobBuilder.BuildJob(Samples.Git().Valid(), Hash, Options))));
    }
}
