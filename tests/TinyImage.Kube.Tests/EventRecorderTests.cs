using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TinyImage.KubeEmulator;
using TinyImage.Kube;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>EventRecorder against the strict emulator, on a clock the test advances.</summary>
public sealed class EventRecorderTests
{
    private const string Namespace = "demo";

    /// <summary>A start off the whole second (a whole second has its own test: MicroTime needs six fractional digits either way).</summary>
    private static readonly DateTimeOffset Start = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_Repeated_Event_Within_The_Window_Becomes_One_Series_Written_At_Most_Every_Interval()
    {
        await using var kube = await StartAsync();
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var time = new FakeTimeProvider(Start);
        var recorder = Recorder(connection, time, new EventRecorderOptions { Controller = "test", Instance = "1" });

        await recorder.RecordAsync(About("a"), EventRecorder.Normal, "Built", "Build", "built", Token);
        time.Advance(TimeSpan.FromSeconds(5));
        await recorder.RecordAsync(About("a"), EventRecorder.Normal, "Built", "Build", "built", Token);
        time.Advance(TimeSpan.FromSeconds(30));
        await recorder.RecordAsync(About("a"), EventRecorder.Normal, "Built", "Build", "built", Token);

        Assert.Equal(1, kube.Requests.Count("create", "events"));
        Assert.Equal(1, kube.Requests.Count("patch", "events"));
        var stored = Assert.Single(kube.List("events.k8s.io/v1", "events", Namespace));
        Assert.Equal(3, (int)stored["series"]!["count"]!);
    }

    [Fact]
    public async Task What_Is_Remembered_About_Quiet_Objects_Is_Forgotten_Including_Buckets_That_Spent_A_Token()
    {
        await using var kube = await StartAsync();
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var time = new FakeTimeProvider(Start);
        var options = new EventRecorderOptions { Controller = "test", Instance = "1", DedupWindow = TimeSpan.FromMinutes(10), Burst = 10, RefillInterval = TimeSpan.FromMinutes(1) };
        var recorder = Recorder(connection, time, options);

        for (var i = 0; i < 20; i++)
        {
            await recorder.RecordAsync(About("quiet-" + i), EventRecorder.Normal, "Ready", "Ready", "ready", Token);
        }

        Assert.Equal((20, 20), recorder.Remembered);

        // Every bucket spent a token, so none is full yet; after the idle period each has refilled and is forgotten.
        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        await recorder.RecordAsync(About("late"), EventRecorder.Normal, "Ready", "Ready", "ready", Token);

        Assert.Equal((1, 1), recorder.Remembered);
        Assert.Equal(21, kube.Requests.Count("create", "events"));
    }

    [Fact]
    public async Task Recording_Looks_Only_At_Expired_Entries_Never_At_Every_Remembered_Object()
    {
        await using var kube = await StartAsync();
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var time = new FakeTimeProvider(Start);
        var recorder = Recorder(connection, time, new EventRecorderOptions { Controller = "test", Instance = "1", DedupWindow = TimeSpan.FromMinutes(10) });
        const int Objects = 300;

        for (var i = 0; i < Objects; i++)
        {
            await recorder.RecordAsync(About("object-" + i), EventRecorder.Normal, "Ready", "Ready", "ready", Token);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        // Nothing was due: no entry was looked at, where a scan per event would have looked at 300 * 299 / 2.
        Assert.Equal(0, recorder.PruneVisits);

        // Once all are due, each series and each bucket is looked at about once (a bucket touched since is requeued).
        time.Advance(TimeSpan.FromMinutes(11));
        await recorder.RecordAsync(About("late"), EventRecorder.Normal, "Ready", "Ready", "ready", Token);
        Assert.InRange(recorder.PruneVisits, 2 * Objects, 2 * Objects + 2);
        Assert.Equal((1, 1), recorder.Remembered);
    }

    [Fact]
    public async Task A_Burst_Beyond_The_Bucket_Is_Dropped_Until_A_Token_Refills()
    {
        await using var kube = await StartAsync();
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var time = new FakeTimeProvider(Start);
        var recorder = Recorder(connection, time, new EventRecorderOptions { Controller = "test", Instance = "1", Burst = 2, RefillInterval = TimeSpan.FromMinutes(1) });

        for (var i = 0; i < 3; i++)
        {
            await recorder.RecordAsync(About("a"), EventRecorder.Normal, "Reason" + i, "Act", "note " + i, Token);
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(2, kube.Requests.Count("create", "events"));
        time.Advance(TimeSpan.FromMinutes(1));
        await recorder.RecordAsync(About("a"), EventRecorder.Normal, "Reason3", "Act", "note 3", Token);
        Assert.Equal(3, kube.Requests.Count("create", "events"));
    }

    [Fact]
    public async Task An_Event_On_A_Whole_Second_Is_Written_With_Six_Fractional_Digits_And_Accepted()
    {
        await using var kube = await StartAsync();
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.Zero));
        var recorder = Recorder(connection, time, new EventRecorderOptions { Controller = "test", Instance = "1" });

        await recorder.RecordAsync(About("a"), EventRecorder.Normal, "Built", "Build", "built", Token);

        Assert.Equal(1, recorder.Written);
        var stored = Assert.Single(kube.List("events.k8s.io/v1", "events", Namespace));
        Assert.Equal("2026-12-02T07:00:00.000000Z", (string?)stored["eventTime"]);
    }

    [Fact]
    public async Task A_Long_Multibyte_Note_Is_Cut_To_The_Servers_1024_Bytes_On_A_Character_Boundary_And_Accepted()
    {
        await using var kube = await StartAsync();
        using var connection = new KubeConnection(kube.CreateHttpClient(), kube.BaseAddress);
        var recorder = Recorder(connection, new FakeTimeProvider(Start), new EventRecorderOptions { Controller = "test", Instance = "1" });

        await recorder.RecordAsync(About("a"), EventRecorder.Warning, "Failed", "Build", string.Concat(Enumerable.Repeat("é😀", 1000)), Token);

        Assert.Equal(1, recorder.Written);
        var note = (string)Assert.Single(kube.List("events.k8s.io/v1", "events", Namespace))["note"]!;
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(note), 1018, 1024);
        Assert.EndsWith("😀...", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Event_Is_Created_Without_Decoding_The_Servers_Copy_In_The_Answer()
    {
        // A 201 whose body is no Event (metadata is not an object): decoding it would fail; the recorder reads only the outcome.
        using var stub = new TinyImage.Testing.StubHandler(_ => TinyImage.Testing.StubHandler.Bytes("{\"kind\":\"Event\",\"metadata\":[]}"u8.ToArray(), "application/json", System.Net.HttpStatusCode.Created));
        using var connection = new KubeConnection(new HttpClient(stub), new Uri("http://api.invalid/"));
        var recorder = Recorder(connection, new FakeTimeProvider(Start), new EventRecorderOptions { Controller = "test", Instance = "1" });

        await recorder.RecordAsync(About("a"), EventRecorder.Normal, "Ready", "Ready", "ready", Token);

        Assert.Equal(1, recorder.Written);
        Assert.Equal(HttpMethod.Post, Assert.Single(stub.Requests).Method);
    }

    private static Task<ApiServerEmulator> StartAsync() =>
        ApiServerEmulator.StartAsync(new ApiServerEmulatorOptions { InitialNamespaces = [Namespace], WorkloadControllers = false }, Token);

    private static EventRecorder Recorder(KubeConnection connection, TimeProvider time, EventRecorderOptions options) =>
        new(new ResourceClient<Eventsv1Event>(connection, ResourceTypes.Events), options, time, NullLogger.Instance);

    private static V1ObjectReference About(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Name = name,
        NamespaceProperty = Namespace,
        Uid = "uid-" + name,
    };
}
