using TinyImage.Operator.Hosting;
using Xunit;

namespace TinyImage.Operator.Tests.Hosting;

public sealed class RunArgumentsAdvisoryTests
{
    [Fact]
    public void Advisory_Db_Sets_The_Directory_And_Defaults_To_None()
    {
        Assert.Null(RunArguments.Parse([], _ => null).Arguments!.Options.AdvisoryDatabaseDirectory);
        Assert.Equal("/var/lib/tinyimage/advisory-db", RunArguments.Parse(["--advisory-db=/var/lib/tinyimage/advisory-db"], _ => null).Arguments!.Options.AdvisoryDatabaseDirectory);
        Assert.Contains("--advisory-db DIR", RunArguments.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void An_Empty_Advisory_Db_Is_Refused()
    {
        var (arguments, error) = RunArguments.Parse(["--advisory-db="], _ => null);

        Assert.Null(arguments);
        Assert.Contains("--advisory-db", error, StringComparison.Ordinal);
    }
}
