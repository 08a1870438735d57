using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using TinyImage.Advisories;

namespace TinyImage.Operator.Verification;

/// <summary>
/// Keeps an <see cref="AdvisoryDatabaseHolder"/> fresh from <c>--advisory-db</c>: a directory (reloaded when its file set
/// or newest file time changes) or an <c>https://</c> URL of a tar.gz (fetched with <c>If-None-Match</c>; 304 keeps the
/// current one). A failed fetch or load is logged and counted and keeps the last good database; it never clears it.
/// </summary>
internal sealed partial class AdvisoryDatabaseRefresher : IDisposable
{
    /// <summary>The largest archive body accepted; a bigger one is a failure.</summary>
    public const long DefaultMaxDownloadBytes = 64L * 1024 * 1024;

    private readonly AdvisoryDatabaseHolder holder;
    private readonly string source;
    private readonly Uri? url;
    private readonly TimeSpan interval;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly HttpClient? http;
    private readonly long maxDownloadBytes;
    private readonly TimeSpan requestTimeout;
    private string? etag;
    private string? directoryStamp;
    private int failures;

    /// <summary>Creates the refresher; <paramref name="handler"/> is a test seam (a handler trusting a test certificate).</summary>
    public AdvisoryDatabaseRefresher(
        AdvisoryDatabaseHolder holder,
        string source,
        TimeSpan interval,
        TimeProvider time,
        ILogger logger,
        HttpMessageHandler? handler = null,
        long maxDownloadBytes = DefaultMaxDownloadBytes,
        TimeSpan? requestTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentNullException.ThrowIfNull(source);
        this.holder = holder;
        this.source = source;
        this.interval = interval;
        this.time = time;
        this.logger = logger;
        this.maxDownloadBytes = maxDownloadBytes;
        this.requestTimeout = requestTimeout ?? TimeSpan.FromMinutes(2);
        if (IsUrl(source))
        {
            url = new Uri(source, UriKind.Absolute);
            if (url.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException("The advisory database URL must be https: " + source, nameof(source));
            }

            http = new HttpClient(handler ?? CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        }
    }

    /// <summary>Refreshes that failed since start.</summary>
    public int Failures => Volatile.Read(ref failures);

    /// <summary>The last failure's message, or null after a success.</summary>
    public string? LastError { get; private set; }

    /// <summary>When the current database was fetched or loaded, or null.</summary>
    public DateTimeOffset? LoadedAt { get; private set; }

    /// <summary>The loaded database's advisory count, or null before the first load.</summary>
    public int? Count => holder.Current?.Count;

    /// <summary>Time since the current database was fetched or loaded, or null.</summary>
    public TimeSpan? Age => LoadedAt is { } at ? time.GetUtcNow() - at : null;

    /// <summary>One line for <c>/readyz</c>: the loaded revision and age, and the last error if the last refresh failed.</summary>
    public string Describe()
    {
        var error = LastError is { } e ? "; last refresh failed: " + e : string.Empty;
        return holder.Current is { } database && Age is { } age
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"advisory database: revision {database.Revision}, {database.Count} advisories, age {(long)age.TotalSeconds}s{error}")
            : "advisory database: not loaded" + (LastError is null ? " yet" : error);
    }

    /// <summary>Whether <paramref name="value"/> names a URL rather than a directory.</summary>
    public static bool IsUrl(string value) =>
        value.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Refreshes now, then every interval until cancelled (once when the interval is zero). Never throws but on cancellation.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
            if (interval <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One refresh: true when a new database was set, false when unchanged or failed (kept).</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var database = url is null
                ? await LoadDirectoryAsync(cancellationToken).ConfigureAwait(false)
                : await FetchAsync(url, cancellationToken).ConfigureAwait(false);
            LastError = null;
            if (database is null)
            {
                return false;
            }

            holder.Set(database);
            LoadedAt = time.GetUtcNow();
            Log.Loaded(logger, source, database.Count, database.Revision);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or AdvisoryFormatException or HttpRequestException
            or InvalidDataException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Interlocked.Increment(ref failures);
            Telemetry.OperatorMetrics.AdvisoryRefreshFailures.Add(1);
            LastError = e.Message;
            Log.Failed(logger, source, e.Message);
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => http?.Dispose();

    private async Task<AdvisoryDatabase?> LoadDirectoryAsync(CancellationToken cancellationToken)
    {
        var stamp = Stamp(source);
        if (stamp == directoryStamp && holder.Current is not null)
        {
            return null;
        }

        var database = await Task.Run(() => AdvisoryDatabase.LoadFromDirectoryAsync(source, cancellationToken), cancellationToken).ConfigureAwait(false);
        directoryStamp = stamp;
        return database;
    }

    private async Task<AdvisoryDatabase?> FetchAsync(Uri target, CancellationToken cancellation)
    {
        // The timeout covers the body too: the response is streamed (headers first) under one deadline.
        using var deadline = new CancellationTokenSource(requestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, deadline.Token);
        var cancellationToken = linked.Token;
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        if (etag is not null && holder.Current is not null)
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(etag));
        }

        using var response = await http!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return null;
        }

        if (response.RequestMessage?.RequestUri is { } final && final.Scheme != Uri.UriSchemeHttps)
        {
            throw new HttpRequestException("The advisory database URL redirected to a non-https target: " + final);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {target} answered {(int)response.StatusCode}");
        }

        if (response.Content.Headers.ContentLength > maxDownloadBytes)
        {
            throw new HttpRequestException($"GET {target}: the archive exceeds {maxDownloadBytes} bytes");
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxDownloadBytes)
                {
                    throw new HttpRequestException($"GET {target}: the archive exceeds {maxDownloadBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            buffer.Position = 0;
            var database = await AdvisoryDatabase.LoadFromTarGzAsync(buffer, null, cancellationToken).ConfigureAwait(false);
            etag = response.Headers.ETag?.ToString();
            return database;
        }
    }

    private static string Stamp(string directory)
    {
        long newest = 0;
        long count = 0;
        long hash = 17;
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            count++;
            newest = Math.Max(newest, File.GetLastWriteTimeUtc(path).Ticks);
            hash = unchecked((hash * 31) + StringComparer.Ordinal.GetHashCode(path));
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count}:{newest}:{hash}");
    }

    private static SocketsHttpHandler CreateHandler() => new() { AllowAutoRedirect = true, MaxAutomaticRedirections = 5 };

    private static partial class Log
    {
        [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Loaded the advisory database {Source}: {Count} advisories, revision {Revision}")]
        public static partial void Loaded(ILogger logger, string source, int count, string revision);

        [LoggerMessage(EventId = 4204, Level = LogLevel.Error, Message = "Cannot refresh the advisory database {Source}, keeping the last good one: {Error}")]
        public static partial void Failed(ILogger logger, string source, string error);
    }
}
