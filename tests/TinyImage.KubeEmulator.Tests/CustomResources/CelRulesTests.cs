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

    [Fact]
    public void A_Selection_Through_Maps_Is_Answered_From_The_Variables_With_The_Packages_Value()
    {
        IDictionary<string, object?> vars = new CelVariables(resolvesPaths: true)
        {
            ["self"] = new Dictionary<string, object?>
            {
                ["metadata"] = new Dictionary<string, object?> { ["name"] = "web", ["labels"] = null },
                ["items"] = new List<object?> { new Dictionary<string, object?> { ["name"] = "a" } },
            },
        };

        Assert.True(vars.TryGetValue("self.metadata.name", out var name));
        Assert.Equal("web", name);
        Assert.True(vars.TryGetValue("self.metadata.labels", out var labels));
        Assert.Null(labels);
        Assert.False(vars.TryGetValue("self.metadata.uid", out _)); // missing: the package's own selection decides
        Assert.False(vars.TryGetValue("self.metadata.labels.app", out _)); // through null: the package's own selection
        Assert.False(vars.TryGetValue("self.items.name", out _)); // through a list
        Assert.False(vars.TryGetValue("self.items[0].name", out _)); // an index is not a path
        Assert.False(vars.TryGetValue("other.name", out _));

        IDictionary<string, object?> plain = new CelVariables(resolvesPaths: false) { ["self"] = ((CelVariables)vars)["self"] };
        Assert.False(plain.TryGetValue("self.metadata.name", out _));
        Assert.True(plain.TryGetValue("self", out _));
    }

    [Theory]
    [InlineData("self.metadata.name == 'web' && self.metadata.name.size() <= 63", true)]
    [InlineData("self.spec.replicas > 2", false)]
    [InlineData("has(self.spec.paused) ? self.spec.paused : true", true)]
    [InlineData("self.spec.items.all(i, i.name.startsWith('a'))", true)]
    [InlineData("self.spec.items.all(self, self.name == 'a1' || self.name == 'a2')", true)] // a macro variable named self shadows the root
    [InlineData("self.spec.items.exists(self, self.name == 'web')", false)]
    public void A_Rule_Evaluates_The_Same_With_Selections_Answered_From_The_Variables(string rule, bool expected)
    {
        var program = CelRules.Compile(rule, out var error);
        Assert.Null(error);
        Assert.NotNull(program);
        object Self() => new Dictionary<string, object?>
        {
            ["metadata"] = new Dictionary<string, object?> { ["name"] = "web" },
            ["spec"] = new Dictionary<string, object?>
            {
                ["replicas"] = 2L,
                ["items"] = new List<object?>
                {
                    new Dictionary<string, object?> { ["name"] = "a1" },
                    new Dictionary<string, object?> { ["name"] = "a2" },
                },
            },
        };

        var plain = program(new Dictionary<string, object?> { ["self"] = Self() });
        var resolved = program(new CelVariables(CelRules.ResolvesPaths(rule)) { ["self"] = Self() });

        Assert.Equal(expected, plain);
        Assert.Equal(expected, resolved);
    }

    [Theory]
    [InlineData("self.metadata.name.matches('^a$')", true)]
    [InlineData("self.items.all(self, self.name == 'a')", false)]
    [InlineData("self.items.exists( oldSelf , oldSelf.x)", false)]
    [InlineData("self.items.map(i, i.name).all(n, n != '')", true)]
    public void Paths_Are_Resolved_Only_Where_No_Macro_Rebinds_A_Root_Variable(string rule, bool resolves) =>
        Assert.Equal(resolves, CelRules.ResolvesPaths(rule));

    [Theory]
    [InlineData("self.metadata.name.size() <= 63 && self.metadata.name.matches('^[a-z]$')", "metadata")]
    [InlineData("has(self.git) != has(self.configMap)", "configMap,git")]
    [InlineData("!has(self.verify) || !self.verify.scratchOnly || self.build.base == 'scratch'", "build,verify")]
    [InlineData("self.replicas >= oldSelf.replicas", "replicas")]
    [InlineData("self.items.all(i, i.self == 'self')", "items")] // a field named self and a literal are not the variable
    [InlineData("self == oldSelf", null)]
    [InlineData("size(self) < 3", null)]
    [InlineData("self.all(k, k != '')", null)]
    [InlineData("self.items.all(self, self.name != '')", null)]
    [InlineData("self['a'] == 1", null)]
    [InlineData("'a' in self", null)]
    [InlineData("self.x == '''self'''", null)]
    public void The_Fields_A_Rule_Can_Observe_Are_Those_It_Selects_From_Self(string rule, string? fields) =>
        Assert.Equal(fields, CelRules.ObservedFields(rule) is { } set ? string.Join(",", set.Order(StringComparer.Ordinal)) : null);
}
