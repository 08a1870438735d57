using Microsoft.Extensions.Logging;
using TinyImage.Operator.Hosting;
using Xunit;

namespace TinyImage.Operator.Tests.Hosting;

public sealed class RunArgumentsLoggingTests
{
    [Fact]
    public void Logs_Are_Json_At_Information_By_Default()
    {
        var arguments = RunArguments.Parse([], _ => null).Arguments!;

        Assert.True(arguments.JsonLogs);
        Assert.Equal(LogLevel.Information, arguments.LogLevel);
    }

    [Theory]
    [InlineData("--log-format=text", false)]
    [InlineData("--log-format=json", true)]
    public void Log_Format_Picks_Json_Or_Text(string flag, bool json)
    {
        var (arguments, error) = RunArguments.Parse([flag], _ => null);

        Assert.Null(error);
        Assert.Equal(json, arguments!.JsonLogs);
    }

    [Theory]
    [InlineData("Trace", LogLevel.Trace)]
    [InlineData("Debug", LogLevel.Debug)]
    [InlineData("Information", LogLevel.Information)]
    [InlineData("warning", LogLevel.Warning)]
    [InlineData("Error", LogLevel.Error)]
    public void Log_Level_Takes_The_Level_Names_The_Chart_Passes(string value, LogLevel level)
    {
        var (arguments, error) = RunArguments.Parse(["--log-level", value], _ => null);

        Assert.Null(error);
        Assert.Equal(level, arguments!.LogLevel);
    }

    [Theory]
    [InlineData("--log-level=Loud")]
    [InlineData("--log-level=None")]
    [InlineData("--log-format=xml")]
    public void Bad_Log_Flags_Are_Refused_With_A_Sentence(string flag)
    {
        var (arguments, error) = RunArguments.Parse([flag], _ => null);

        Assert.Null(arguments);
        Assert.Contains(flag[..flag.IndexOf('=', StringComparison.Ordinal)], error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Usage_Text_Names_The_Log_Flags()
    {
        Assert.Contains("--log-format", RunArguments.Usage, StringComparison.Ordinal);
        Assert.Contains("--log-level", RunArguments.Usage, StringComparison.Ordinal);
    }
}
