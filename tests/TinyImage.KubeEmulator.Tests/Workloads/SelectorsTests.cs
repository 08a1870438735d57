using System.Text.Json.Nodes;
using TinyImage.KubeEmulator.Workloads;
using Xunit;

namespace TinyImage.KubeEmulator.Tests.Workloads;

/// <summary>The label reads of the ReplicaSet controller (its status's fullyLabeledReplicas counts pods holding all the template's labels).</summary>
public sealed class SelectorsTests
{
    private static JsonObject Pod(string labels) => new() { ["metadata"] = new JsonObject { ["labels"] = JsonNode.Parse(labels) } };

    [Theory]
    [InlineData("""{"app":"web","tier":"a"}""", """{"app":"web","tier":"a","pod-template-hash":"x"}""", true)]
    [InlineData("""{"app":"web","tier":"a"}""", """{"app":"web"}""", false)]
    [InlineData("""{"app":"web"}""", """{"app":"api"}""", false)]
    [InlineData("""{"app":"web"}""", """{"App":"web"}""", false)]
    [InlineData("""{}""", """{}""", true)]
    [InlineData("""{}""", """null""", true)]
    [InlineData("""{"app":"web"}""", """null""", false)]
    [InlineData("""{"n":"1"}""", """{"n":1}""", true)]
    public void A_Pod_Holds_The_Template_Labels_As_Its_Label_Map_Reads_Them(string template, string pod, bool expected)
    {
        var templateLabels = Selectors.Labels(Pod(template));
        var p = Pod(pod);
        var byMap = templateLabels.All(l => Selectors.Labels(p).TryGetValue(l.Key, out var v) && v == l.Value);

        Assert.Equal(expected, byMap);
        Assert.Equal(byMap, Selectors.HasLabels(p, templateLabels));
    }

    [Fact]
    public void A_Pod_Without_Metadata_Holds_Only_An_Empty_Set_Of_Labels()
    {
        Assert.True(Selectors.HasLabels(new JsonObject(), []));
        Assert.False(Selectors.HasLabels(new JsonObject(), new Dictionary<string, string> { ["app"] = "web" }));
    }
}
