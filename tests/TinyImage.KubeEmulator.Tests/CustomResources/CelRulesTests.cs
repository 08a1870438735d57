using TinyImage.KubeEmulator.CustomResources;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.CustomResources;

/// <summary>The emulator's CEL environment: what it adds to the Cel package, and what it keeps of it.</summary>
public sealed class CelRulesTests
{
    [Fact]
    public void Matches_Answers_As_The_Package_Did_And_Builds_Each_Pattern_Once()
    {
        const string Pattern = "^[a-z]([-a-z0-9]*[a-z0-9])?-cel-rules-test$";
        var program = CelRules.Compile("self.matches('" + Pattern + "')", out var error);
        Assert.Null(error);
        Assert.NotNull(program);
        Assert.False(CelRules.IsCached(Pattern));

        Assert.Equal(true, program(new Dictionary<string, object?> { ["self"] = "web-1-cel-rules-test" }));
        Assert.True(CelRules.IsCached(Pattern));
        Assert.Equal(false, program(new Dictionary<string, object?> { ["self"] = "Web-cel-rules-test" }));
        Assert.Equal(false, program(new Dictionary<string, object?> { ["self"] = "web--cel-rules-test-" }));
        Assert.Same(CelRules.Pattern(Pattern), CelRules.Pattern(Pattern));
    }

    [Fact]
    public void Matches_With_An_Invalid_Pattern_Still_Fails_And_Is_Not_Kept()
    {
        var program = CelRules.Compile("self.matches('([a-z')", out var error);
        Assert.Null(error);
        Assert.NotNull(program);

        Assert.ThrowsAny<ArgumentException>(() => program(new Dictionary<string, object?> { ["self"] = "abc" }));
        Assert.False(CelRules.IsCached("([a-z"));
    }

    [Fact]
    public void Matches_On_Something_Other_Than_A_String_Still_Has_No_Overload()
    {
        var program = CelRules.Compile("self.matches('^a$')", out _);
        Assert.NotNull(program);

        Assert.ThrowsAny<Exception>(() => program(new Dictionary<string, object?> { ["self"] = 1L }));
    }
}
