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

    [Fact]
    public void Advisory_Db_Accepts_An_Https_Url_And_Refuses_Plain_Http()
    {
        const string url = "https://github.com/rustsec/advisory-db/archive/refs/heads/main.tar.gz";
        Assert.Equal(url, RunArguments.Parse(["--advisory-db=" + url], _ => null).Arguments!.Options.AdvisoryDatabaseDirectory);

        var (arguments, error) = RunArguments.Parse(["--advisory-db=http://mirror.example/advisory-db.tar.gz"], _ => null);
        Assert.Null(arguments);
        Assert.Contains("--advisory-db", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Advisory_Db_Refresh_Defaults_To_An_Hour_And_Zero_Means_Once()
    {
        Assert.Equal(TimeSpan.FromHours(1), RunArguments.Parse([], _ => null).Arguments!.Options.AdvisoryDatabaseRefresh);
        Assert.Equal(TimeSpan.Zero, RunArguments.Parse(["--advisory-db-refresh=0"], _ => null).Arguments!.Options.AdvisoryDatabaseRefresh);
        Assert.Equal(TimeSpan.FromMinutes(15), RunArguments.Parse(["--advisory-db-refresh=15m"], _ => null).Arguments!.Options.AdvisoryDatabaseRefresh);
        Assert.Null(RunArguments.Parse(["--advisory-db-refresh=soon"], _ => null).Arguments);
    }
}
