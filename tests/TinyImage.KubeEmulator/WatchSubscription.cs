using System.Threading.Channels;

namespace TinyImage.KubeEmulator;

/// <summary>One open watch: the events of one resource (and namespace) queued for its HTTP stream.</summary>
internal sealed class WatchSubscription((string Group, string Plural) storageKey, string? ns) : IDisposable
{
    private readonly Channel<StoredEvent> _events = Channel.CreateUnbounded<StoredEvent>(new UnboundedChannelOptions { SingleReader = false });
    private readonly CancellationTokenSource _closed = new();

    public ChannelReader<StoredEvent> Events => _events.Reader;

    public int Pending => _events.Reader.Count;

    /// <summary>Cancelled when a fault closes the stream from the server side.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Queues an event when it belongs to this watch (called under the store lock, in resourceVersion order).</summary>
    public void Offer(StoredEvent e)
    {
        if (e.StorageKey != storageKey)
        {
            return;
        }

        if (ns is not null && e.Type != StoredEvent.InitialEventsEnd && e.Namespace != ns)
        {
            return;
        }

        _events.Writer.TryWrite(e);
    }

    public void Close()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream already ended and released its token source: nothing left to close.
        }
    }

    public void Dispose() => _closed.Dispose();
}
