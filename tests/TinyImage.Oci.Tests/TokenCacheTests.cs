using Xunit;
using TinyImage.Oci;

namespace TinyImage.Oci.Tests;

public sealed class TokenCacheTests
{
    [Fact]
    public void Token_Is_Served_Until_Shortly_Before_It_Expires()
    {
        var time = new TestTimeProvider();
        var cache = new TokenCache(time);
        cache.Put("r", "repository:a:pull", "t1", TimeSpan.FromSeconds(300));

        Assert.Equal("t1", cache.Get("r", "repository:a:pull"));
        Assert.Null(cache.Get("r", "repository:a:pull,push"));
        time.Advance(TimeSpan.FromSeconds(289));
        Assert.Equal("t1", cache.Get("r", "repository:a:pull"));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(cache.Get("r", "repository:a:pull"));
    }

    [Fact]
    public void Token_Without_Lifetime_Lives_The_Default_Sixty_Seconds()
    {
        var time = new TestTimeProvider();
        var cache = new TokenCache(time);
        cache.Put("r", "s", "t", null);
        time.Advance(TimeSpan.FromSeconds(49));
        Assert.Equal("t", cache.Get("r", "s"));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(cache.Get("r", "s"));
    }
}
