using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using TinyImage.Oci;
using TinyImage.Operator.Sources;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Sources;

public sealed class GitRefResolverTests
{
    private const string Repo = "https://git.example.com/team/app.git";
    private const string Main = "1111111111111111111111111111111111111111";
    private const string Tagged = "4444444444444444444444444444444444444444";

    private static readonly byte[] Refs = PktLineTests.Advertisement(
        Main + " HEAD\0symref=HEAD:refs/heads/main agent=git/2\n",
        Main + " refs/heads/main\n",
        "3333333333333333333333333333333333333333 refs/tags/v1\n",
        Tagged + " refs/tags/v1^{}\n");

    private static (GitRefResolver Resolver, StubHandler Handler) Create(Func<HttpRequestMessage, HttpResponseMessage> respond, GitResolverOptions? options = null)
    {
        var handler = new StubHandler(respond);
        return (new GitRefResolver(handler, options ?? new GitResolverOptions(), new FakeTimeProvider()), handler);
    }

    private static HttpResponseMessage Advertised(byte[] body) => StubHandler.Bytes(body, GitRefResolver.AdvertisementContentType);

    [Fact]
    public async Task A_Branch_Resolves_With_One_Get_Of_Info_Refs_Carrying_Basic_Auth()
    {
        var (resolver, handler) = Create(_ => Advertised(Refs));
        using var _ = resolver;

        var result = await resolver.ResolveAsync(Repo, GitRefResolver.RefName("main", null), new GitCredential("bot", "s3cret"), TestContext.Current.CancellationToken);

        Assert.Equal(Main, result.Commit);
        Assert.Equal("refs/heads/main", result.RefName);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(Repo + "/info/refs?service=git-upload-pack", request.Uri.ToString());
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("bot:s3cret")), request.Authorization);
    }

    [Fact]
    public async Task An_Annotated_Tag_Resolves_To_The_Commit_It_Peels_To_And_Head_To_The_Default_Branch()
    {
        var (resolver, handler) = Create(_ => Advertised(Refs));
        using var _ = resolver;

        var tag = await resolver.ResolveAsync(Repo, GitRefResolver.RefName(null, "v1"), null, TestContext.Current.CancellationToken);
        var head = await resolver.ResolveAsync(Repo, GitRefResolver.RefName(null, null), null, TestContext.Current.CancellationToken);

        Assert.Equal(Tagged, tag.Commit);
        Assert.Equal((Main, "refs/heads/main"), (head.Commit, head.RefName));
        Assert.All(handler.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task A_Missing_Branch_Is_Not_Found()
    {
        var (resolver, _) = Create(_ => Advertised(Refs));
        using var _r = resolver;
        var result = await resolver.ResolveAsync(Repo, "refs/heads/gone", null, TestContext.Current.CancellationToken);
        Assert.Equal(GitResolveError.NotFound, result.Error);
        Assert.Contains("refs/heads/gone", result.Message, StringComparison.Ordinal);
    }

    public static TheoryData<HttpStatusCode, string> Statuses => new()
    {
        { HttpStatusCode.Unauthorized, nameof(GitResolveError.Unauthorized) },
        { HttpStatusCode.Forbidden, nameof(GitResolveError.Unauthorized) },
        { HttpStatusCode.NotFound, nameof(GitResolveError.NotFound) },
        { HttpStatusCode.MovedPermanently, nameof(GitResolveError.Protocol) },
        { HttpStatusCode.BadGateway, nameof(GitResolveError.Unreachable) },
    };

    [Theory]
    [MemberData(nameof(Statuses))]
    public async Task An_Http_Error_Becomes_A_Named_Result(HttpStatusCode status, string expected)
    {
        var (resolver, _) = Create(_ => StubHandler.Status(status));
        using var _r = resolver;
        var result = await resolver.ResolveAsync(Repo, "HEAD", null, TestContext.Current.CancellationToken);
        Assert.Equal(expected, result.Error.ToString());
        Assert.Null(result.Commit);
    }

    [Fact]
    public async Task A_Dumb_Http_Answer_Is_Refused_By_Its_Content_Type()
    {
        var (resolver, _) = Create(_ => StubHandler.Bytes(Encoding.ASCII.GetBytes(Main + "\trefs/heads/main\n"), "text/plain"));
        using var _r = resolver;
        var result = await resolver.ResolveAsync(Repo, "HEAD", null, TestContext.Current.CancellationToken);
        Assert.Equal(GitResolveError.Protocol, result.Error);
        Assert.Contains("not a smart-HTTP git server", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Malformed_Advertisement_Is_A_Protocol_Error_Naming_The_Problem()
    {
        var (resolver, _) = Create(_ => Advertised(PktLineTests.Frame("# service=git-upload-pack\n", null, Main + " refs/heads/main\n", null)));
        using var _r = resolver;
        var result = await resolver.ResolveAsync(Repo, "refs/heads/main", null, TestContext.Current.CancellationToken);
        Assert.Equal(GitResolveError.Protocol, result.Error);
        Assert.Contains("no capabilities", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Advertisement_Over_The_Size_Cap_Is_Refused()
    {
        var (resolver, _) = Create(_ => Advertised(Refs), new GitResolverOptions { MaxResponseBytes = 64 });
        using var _r = resolver;
        var result = await resolver.ResolveAsync(Repo, "refs/heads/main", null, TestContext.Current.CancellationToken);
        Assert.Equal(GitResolveError.Protocol, result.Error);
        Assert.Contains("limit of 64", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Git_Host_On_A_Denied_Address_Is_Refused_Before_Connecting()
    {
        using var resolver = new GitRefResolver(GitRefResolver.CreateHandler(OutboundPolicy.Default), new GitResolverOptions(), TimeProvider.System);
        var result = await resolver.ResolveAsync("https://169.254.169.254/team/app.git", "HEAD", null, TestContext.Current.CancellationToken);
        Assert.Equal(GitResolveError.Refused, result.Error);
        Assert.Contains("link-local", result.Message, StringComparison.Ordinal);
    }
}
