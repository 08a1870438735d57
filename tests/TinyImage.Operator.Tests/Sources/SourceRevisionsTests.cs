using System.Net;
using Microsoft.Extensions.Time.Testing;
using TinyImage.Kube;
using TinyImage.Operator.Sources;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Sources;

public sealed class SourceRevisionsTests
{
    private const string Repo = "https://git.example.com/team/app.git";
    private const string First = "1111111111111111111111111111111111111111";
    private const string Second = "2222222222222222222222222222222222222222";
    private static readonly GitRevisionKey Main = new(Repo, "refs/heads/main", null, null);
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private string head = First;
    private readonly StubHandler handler;
    private readonly SourceRevisions sources;

    public SourceRevisionsTests()
    {
        handler = new StubHandler(_ => StubHandler.Bytes(
            PktLineTests.Advertisement(head + " refs/heads/main\0agent=x\n"), GitRefResolver.AdvertisementContentType));
        sources = new SourceRevisions(new GitRefResolver(handler, new GitResolverOptions(), time), time);
    }

    private static ObjectKey Ti(string name) => new("demo", name);

    private Task<GitResolution> Resolve(string name, GitRevisionKey? key = null, TimeSpan? interval = null, bool fresh = false) =>
        sources.ResolveAsync(Ti(name), key ?? Main, null, interval ?? FiveMinutes, fresh, TestContext.Current.CancellationToken);

    [Fact]
    public async Task TinyImages_Sharing_A_Repository_Ref_And_Credential_Share_One_Resolution_And_One_Poll()
    {
        foreach (var name in new[] { "a", "b", "c" })
        {
            Assert.Equal(First, (await Resolve(name)).Commit);
        }

        Assert.Equal(1, sources.Resolutions);

        head = Second;
        time.Advance(FiveMinutes * 1.11);
        var moved = await sources.PollDueAsync(_ => true, TestContext.Current.CancellationToken);

        Assert.Equal(2, sources.Resolutions);
        Assert.Equal(["a", "b", "c"], moved.Select(k => k.Name).Order());
        Assert.Equal(Second, (await Resolve("a")).Commit);
        Assert.Equal(2, sources.Resolutions);
    }

    [Fact]
    public async Task A_Different_Credentials_Secret_Is_A_Separate_Poll()
    {
        await Resolve("a");
        await Resolve("b", Main with { CredentialsNamespace = "demo", CredentialsSecret = "other" });
        Assert.Equal(2, sources.Resolutions);
    }

    [Fact]
    public async Task Nothing_Is_Polled_Before_The_Interval_And_A_Poll_Comes_Within_The_Interval_Plus_A_Tenth()
    {
        await Resolve("a");
        time.Advance(FiveMinutes - TimeSpan.FromSeconds(1));
        Assert.Empty(await sources.PollDueAsync(_ => true, TestContext.Current.CancellationToken));
        Assert.Equal(1, sources.Resolutions);

        var next = sources.NextPoll();
        Assert.NotNull(next);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.InRange(next.Value, start + FiveMinutes, start + FiveMinutes * 1.1);
    }

    [Fact]
    public async Task An_Unchanged_Commit_Wakes_Nobody()
    {
        await Resolve("a");
        time.Advance(FiveMinutes * 1.11);
        Assert.Empty(await sources.PollDueAsync(_ => true, TestContext.Current.CancellationToken));
        Assert.Equal(2, sources.Resolutions);
    }

    [Fact]
    public async Task Interval_Zero_Turns_Polling_Off_But_A_Push_Still_Resolves_At_Once()
    {
        Assert.Null(sources.Interval(0));
        await sources.ResolveAsync(Ti("a"), Main, null, null, false, TestContext.Current.CancellationToken);
        Assert.Null(sources.NextPoll());
        time.Advance(TimeSpan.FromDays(1));
        Assert.Empty(await sources.PollDueAsync(_ => true, TestContext.Current.CancellationToken));
        head = Second;
        var later = await sources.ResolveAsync(Ti("a"), Main, null, null, false, TestContext.Current.CancellationToken);
        Assert.Equal((First, 1), (later.Commit, sources.Resolutions));

        var pushed = await sources.ResolveAsync(Ti("a"), Main, null, null, fresh: true, TestContext.Current.CancellationToken);
        Assert.Equal(Second, pushed.Commit);
        Assert.Equal(2, sources.Resolutions);
    }

    [Fact]
    public void A_Short_Interval_Is_Raised_To_Thirty_Seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), sources.Interval(1));
        Assert.Equal(TimeSpan.FromSeconds(600), sources.Interval(600));
    }

    [Fact]
    public async Task A_Deleted_TinyImage_Is_No_Longer_Polled()
    {
        await Resolve("a");
        time.Advance(FiveMinutes * 1.11);
        Assert.Empty(await sources.PollDueAsync(_ => false, TestContext.Current.CancellationToken));
        Assert.Equal(1, sources.Resolutions);
        Assert.Null(sources.NextPoll());
    }

    [Fact]
    public async Task A_Failed_Poll_Keeps_The_Known_Commit()
    {
        await Resolve("a");
        var failing = new SourceRevisions(new GitRefResolver(new StubHandler(_ => StubHandler.Status(HttpStatusCode.BadGateway)), new GitResolverOptions(), time), time);
        var failed = await failing.ResolveAsync(Ti("a"), Main, null, FiveMinutes, false, TestContext.Current.CancellationToken);
        Assert.Equal(GitResolveError.Unreachable, failed.Error);

        handler.Requests.Clear();
        Assert.Equal(First, (await Resolve("a")).Commit);
        Assert.Empty(handler.Requests);
    }
}
