using System.Text;
using TinyImage.Operator.Sources.Webhooks;
using Xunit;

namespace TinyImage.Operator.Tests.Sources.Webhooks;

public sealed class PushEventTests
{
    [Fact]
    public void A_GitHub_Push_Names_The_Repository_The_Ref_The_New_Commit_And_The_Default_Branch()
    {
        var push = PushEvent.Parse(Encoding.UTF8.GetBytes("""
            {"ref":"refs/heads/main","after":"1111111111111111111111111111111111111111",
             "repository":{"clone_url":"https://github.com/Team/App.git","html_url":"https://github.com/Team/App","default_branch":"main"}}
            """))!;
        Assert.Equal(["github.com/Team/App"], push.RepositoryUrls);
        Assert.Equal(("refs/heads/main", "1111111111111111111111111111111111111111", "main"), (push.Ref, push.After, push.DefaultBranch));
    }

    [Fact]
    public void A_GitLab_Push_Names_The_Project_Urls()
    {
        var push = PushEvent.Parse(Encoding.UTF8.GetBytes("""
            {"object_kind":"push","ref":"refs/tags/v1","after":"2222222222222222222222222222222222222222",
             "project":{"git_http_url":"https://gitlab.example.com:8443/group/app.git","web_url":"https://gitlab.example.com:8443/group/app","default_branch":"trunk"}}
            """))!;
        Assert.Equal(["gitlab.example.com:8443/group/app"], push.RepositoryUrls);
        Assert.Equal(("refs/tags/v1", "trunk"), (push.Ref, push.DefaultBranch));
    }

    [Theory]
    [InlineData("https://GitHub.com/team/app.git/", "github.com/team/app")]
    [InlineData("https://user:pw@github.com/team/app?x=1#y", "github.com/team/app")]
    [InlineData("https://github.com:443/team/app", "github.com/team/app")]
    [InlineData("git@github.com:team/app.git", null)]
    [InlineData("git://github.com/team/app.git", null)]
    public void Urls_Compare_Without_Scheme_Credentials_Or_Git_Suffix(string url, string? expected)
    {
        Assert.Equal(expected, PushEvent.Normalize(url));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"ref":"refs/heads/main"}""")]
    [InlineData("""{"repository":{"clone_url":"git@github.com:a/b.git"}}""")]
    public void A_Payload_Without_An_Http_Repository_Url_Is_Not_A_Push(string body)
    {
        Assert.Null(PushEvent.Parse(Encoding.UTF8.GetBytes(body)));
    }
}
