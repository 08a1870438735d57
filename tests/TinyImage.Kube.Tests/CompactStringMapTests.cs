using TinyImage.Kube;
using Xunit;

namespace TinyImage.Kube.Tests;

public sealed class CompactStringMapTests
{
    [Fact]
    public void A_Compact_Map_Reads_As_The_Dictionary_It_Was_Made_From_In_The_Same_Order()
    {
        var source = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1", ["c"] = "" };

        var map = CompactStringMap.Of(source);

        Assert.IsType<CompactStringMap>(map);
        Assert.Equal(source.ToList(), map.ToList());
        Assert.Equal(3, map.Count);
        Assert.Equal("1", map["a"]);
        Assert.True(map.TryGetValue("c", out var empty));
        Assert.Equal("", empty);
        Assert.False(map.TryGetValue("A", out _)); // ordinal
        Assert.False(map.ContainsKey("d"));
        Assert.Throws<KeyNotFoundException>(() => map["d"]);
        Assert.Contains(new KeyValuePair<string, string>("b", "2"), map);
        Assert.DoesNotContain(new KeyValuePair<string, string>("b", "1"), map);
        Assert.Equal(["b", "a", "c"], map.Keys);
        Assert.Equal(["2", "1", ""], map.Values);
        var copy = new KeyValuePair<string, string>[4];
        map.CopyTo(copy, 1);
        Assert.Equal(source.ToList(), copy.Skip(1));
    }

    [Fact]
    public void A_Compact_Map_Refuses_Every_Change()
    {
        var map = CompactStringMap.Of(new Dictionary<string, string> { ["a"] = "1" });

        Assert.True(map.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => map["a"] = "2");
        Assert.Throws<NotSupportedException>(() => map.Add("b", "2"));
        Assert.Throws<NotSupportedException>(() => map.Add(new KeyValuePair<string, string>("b", "2")));
        Assert.Throws<NotSupportedException>(() => map.Remove("a"));
        Assert.Throws<NotSupportedException>(() => map.Remove(new KeyValuePair<string, string>("a", "1")));
        Assert.Throws<NotSupportedException>(map.Clear);
        Assert.Equal("1", map["a"]);
    }

    [Fact]
    public void Null_Empty_Large_And_Compact_Maps_Are_Kept_As_They_Are()
    {
        var empty = new Dictionary<string, string>();
        var large = Enumerable.Range(0, CompactStringMap.MaxEntries + 1).ToDictionary(i => "k" + i, i => "v" + i);
        var compact = CompactStringMap.Of(new Dictionary<string, string> { ["a"] = "1" });

        Assert.Null(CompactStringMap.Of(null));
        Assert.Same(empty, CompactStringMap.Of(empty));
        Assert.Same(large, CompactStringMap.Of(large));
        Assert.Same(compact, CompactStringMap.Of(compact));
        Assert.IsType<CompactStringMap>(CompactStringMap.Of(large.Take(CompactStringMap.MaxEntries).ToDictionary()));
    }
}
