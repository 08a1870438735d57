using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TinyImage.Advisories;
using TinyImage.Operator.Verification;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Verification;

/// <summary>
/// <see cref="AdvisoryDatabaseRefresher"/> against the real RustSec snapshot, served as a tar.gz through an in-memory
/// handler (the seam the operator's https client uses), and from a directory whose files change.
/// </summary>
public sealed class AdvisoryDatabaseRefresherTests
{
    private const string Url = "https://advisories.example/advisory-db/archive/main.tar.gz";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Database()
    {
        if (RepoPaths.AdvisoryDb is not { } dir)
        {
            Assert.Skip("The shared fixture ../shared/fixtures/advisory-db (the RustSec database snapshot) is absent next to the repository.");
            throw new InvalidOperationException("unreachable");
        }

        return dir;
    }

    private static List<string> AdvisoryFiles(string root) =>
        [.. new[] { "crates", "rust" }
            .Select(c => Path.Combine(root, c))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.md", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)];

    private static byte[] Archive(string root, int skip = 0)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var path in AdvisoryFiles(root).Skip(skip))
            {
                tar.WriteEntry(path, "advisory-db-main/" + Path.GetRelativePath(root, path).Replace('\\', '/'));
            }
        }

        return output.ToArray();
    }

    private static AdvisoryDatabaseRefresher Refresher(AdvisoryDatabaseHolder holder, string source, HttpMessageHandler? handler, TimeProvider? time = null, long maxBytes = AdvisoryDatabaseRefresher.DefaultMaxDownloadBytes) =>
        new(holder, source, TimeSpan.FromHours(1), time ?? new FakeTimeProvider(), NullLogger.Instance, handler, maxBytes);

    [Fact]
    public async Task A_Url_Loads_The_Same_Advisories_As_The_Directory_And_A_304_Keeps_Them()
    {
        var root = Database();
        var direct = await AdvisoryDatabase.LoadFromDirectoryAsync(root, Ct);
        var server = new ArchiveHandler { Body = Archive(root), ETag = "\"v1\"" };
        var holder = new AdvisoryDatabaseHolder();
        using var refresher = Refresher(holder, Url, server);

        Assert.True(await refresher.RefreshAsync(Ct));
        var first = holder.Current!;
        Assert.Equal(direct.Count, first.Count);
        Assert.Equal(direct.Revision, first.Revision);
        Assert.Null(server.IfNoneMatch[0]);

        Assert.False(await refresher.RefreshAsync(Ct));
        Assert.Equal("\"v1\"", server.IfNoneMatch[1]);
        Assert.Same(first, holder.Current);
        Assert.Equal(0, refresher.Failures);
    }

    [Fact]
    public async Task A_Changed_Archive_With_A_New_ETag_Replaces_The_Database()
    {
        var root = Database();
        var server = new ArchiveHandler { Body = Archive(root), ETag = "\"v1\"" };
        var holder = new AdvisoryDatabaseHolder();
        using var refresher = Refresher(holder, Url, server);
        Assert.True(await refresher.RefreshAsync(Ct));
        var first = holder.Current!;

        server.Body = Archive(root, skip: 1);
        server.ETag = "\"v2\"";
        Assert.True(await refresher.RefreshAsync(Ct));

        Assert.Equal(first.Count - 1, holder.Current!.Count);
        Assert.NotEqual(first.Revision, holder.Current.Revision);
    }

    [Fact]
    public async Task A_500_Or_An_Over_Cap_Body_Keeps_The_Last_Good_Database_And_Counts_A_Failure()
    {
        var archive = Archive(Database());
        var server = new ArchiveHandler { Body = archive, ETag = "\"v1\"" };
        var holder = new AdvisoryDatabaseHolder();
        using var refresher = Refresher(holder, Url, server, maxBytes: archive.Length + 1024);
        Assert.True(await refresher.RefreshAsync(Ct));
        var good = holder.Current!;

        server.Status = HttpStatusCode.InternalServerError;
        Assert.False(await refresher.RefreshAsync(Ct));
        Assert.Equal(1, refresher.Failures);
        Assert.Contains("500", refresher.LastError, StringComparison.Ordinal);
        Assert.Same(good, holder.Current);

        server.Status = HttpStatusCode.OK;
        server.ETag = "\"v3\"";
        server.Body = [.. archive, .. new byte[4096]];
        Assert.False(await refresher.RefreshAsync(Ct));
        Assert.Equal(2, refresher.Failures);
        Assert.Contains("exceeds", refresher.LastError, StringComparison.Ordinal);
        Assert.Same(good, holder.Current);
    }

    [Fact]
    public async Task A_Directory_Is_Reloaded_Only_When_Its_Files_Change()
    {
        var files = AdvisoryFiles(Database());
        var root = Directory.CreateTempSubdirectory("advisory-refresh-").FullName;
        try
        {
            void Copy(string path)
            {
                var target = Path.Combine(root, Path.GetRelativePath(Database(), path));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(path, target);
            }

            foreach (var path in files.Take(3))
            {
                Copy(path);
            }

            var holder = new AdvisoryDatabaseHolder();
            using var refresher = Refresher(holder, root, handler: null);
            Assert.True(await refresher.RefreshAsync(Ct));
            var first = holder.Current!;
            Assert.False(await refresher.RefreshAsync(Ct));
            Assert.Same(first, holder.Current);

            Copy(files[3]);
            Assert.True(await refresher.RefreshAsync(Ct));
            Assert.Equal(first.Count + 1, holder.Current!.Count);
            Assert.NotEqual(first.Revision, holder.Current.Revision);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task The_Loop_Fetches_Again_After_The_Interval_On_The_Injected_Clock()
    {
        var server = new ArchiveHandler { Body = Archive(Database()), ETag = "\"v1\"" };
        var time = new FakeTimeProvider();
        var holder = new AdvisoryDatabaseHolder();
        using var refresher = Refresher(holder, Url, server, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var loop = refresher.RunAsync(stop.Token);

        await WaitFor(() => holder.Current is not null && server.Requests == 1);
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(1, server.Requests);
        time.Advance(TimeSpan.FromMinutes(1));
        await WaitFor(() => server.Requests == 2);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public async Task Describe_Names_The_Revision_And_Age_And_Keeps_Them_With_The_Last_Error()
    {
        var server = new ArchiveHandler { Body = Archive(Database()), ETag = "\"v1\"" };
        var time = new FakeTimeProvider();
        var holder = new AdvisoryDatabaseHolder();
        using var refresher = Refresher(holder, Url, server, time);
        Assert.Equal("advisory database: not loaded yet", refresher.Describe());

        await refresher.RefreshAsync(Ct);
        time.Advance(TimeSpan.FromSeconds(90));
        server.Status = HttpStatusCode.BadGateway;
        await refresher.RefreshAsync(Ct);

        Assert.Equal(TimeSpan.FromSeconds(90), refresher.Age);
        Assert.Equal(holder.Current!.Count, refresher.Count);
        Assert.Equal($"advisory database: revision {holder.Current.Revision}, {holder.Current.Count} advisories, age 90s; last refresh failed: GET {Url} answered 502", refresher.Describe());
    }

    [Fact]
    public async Task A_Body_That_Never_Ends_Fails_At_The_Request_Timeout_On_The_Injected_Clock()
    {
        var server = new ArchiveHandler { Hang = true };
        var time = new FakeTimeProvider();
        var holder = new AdvisoryDatabaseHolder();
        using var refresher = Refresher(holder, Url, server, time);

        var refresh = refresher.RefreshAsync(Ct);
        await WaitFor(() => server.Requests == 1);
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.False(await refresh);
        Assert.Equal(1, refresher.Failures);
        Assert.NotNull(refresher.LastError);
        Assert.Null(holder.Current);
    }

    [Fact]
    public void A_Plain_Http_Url_Is_Refused()
    {
        Assert.Throws<ArgumentException>(() => Refresher(new AdvisoryDatabaseHolder(), "http://advisories.example/db.tar.gz", new ArchiveHandler()));
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True(condition());
    }

    private sealed class ArchiveHandler : HttpMessageHandler
    {
        private int requests;

        public byte[] Body { get; set; } = [];

        public string ETag { get; set; } = "\"0\"";

        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public bool Hang { get; set; }

        public List<string?> IfNoneMatch { get; } = [];

        public int Requests => Volatile.Read(ref requests);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Hang)
            {
                Interlocked.Increment(ref requests);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            var sent = request.Headers.IfNoneMatch.FirstOrDefault()?.ToString();
            lock (IfNoneMatch)
            {
                IfNoneMatch.Add(sent);
            }

            Interlocked.Increment(ref requests);
            HttpResponseMessage response;
            if (Status != HttpStatusCode.OK)
            {
                response = new HttpResponseMessage(Status);
            }
            else if (sent == ETag)
            {
                response = new HttpResponseMessage(HttpStatusCode.NotModified);
            }
            else
            {
                response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Body) };
                response.Headers.ETag = EntityTagHeaderValue.Parse(ETag);
            }

            response.RequestMessage = request;
            return response;
        }
    }
}
