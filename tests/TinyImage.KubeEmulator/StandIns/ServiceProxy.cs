using System.Net;
using System.Net.Sockets;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// A Service's stable address on loopback, as kube-proxy gives one: connections to <see cref="Url"/> are forwarded to
/// the ports of the
/// Deployment's ready pods. The kubelet stand-in re-routes it when a pod becomes ready or goes away, so a client sees the
/// old digest answer until the new pod is ready, then either while both are, then the new one.
/// </summary>
public sealed class ServiceProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int[] _targets = [];
    private int _next;

    private ServiceProxy(TcpListener listener)
    {
        _listener = listener;
        _accepting = Task.Run(() => AcceptAsync(_stop.Token));
    }

    /// <summary>The loopback port.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Url => new("http://127.0.0.1:" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/");

    /// <summary>Listens on <paramref name="port"/> (0: any free port).</summary>
    public static ServiceProxy Start(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return new ServiceProxy(listener);
    }

    /// <summary>Sends new connections to 127.0.0.1:<paramref name="targetPort"/> (0: refuse them, no ready endpoint).</summary>
    public void Route(int targetPort) => Route(targetPort == 0 ? [] : [targetPort]);

    /// <summary>Sends new connections to the ready endpoints' ports in turn, as kube-proxy spreads them (none: refuse them).</summary>
    public void Route(IReadOnlyList<int> targetPorts) => Volatile.Write(ref _targets, [.. targetPorts]);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (SocketException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var targets = Volatile.Read(ref _targets);
            _ = ForwardAsync(client, targets.Length == 0 ? 0 : targets[(int)((uint)Interlocked.Increment(ref _next) % (uint)targets.Length)], cancellationToken);
        }
    }

    private static async Task ForwardAsync(TcpClient client, int target, CancellationToken cancellationToken)
    {
        using (client)
        {
            if (target == 0)
            {
                return; // no ready endpoint: the connection is closed, as a Service without endpoints refuses
            }

            using var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, target, cancellationToken);
                var a = client.GetStream();
                var b = upstream.GetStream();
                var up = CopyAsync(a, b, upstream.Client, cancellationToken);
                var down = CopyAsync(b, a, client.Client, cancellationToken);
                await Task.WhenAll(up, down);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                // the connection ends; a client sees a reset, as with a pod that went away
            }
        }
    }

    private static async Task CopyAsync(Stream from, Stream to, Socket toSocket, CancellationToken cancellationToken)
    {
        await from.CopyToAsync(to, cancellationToken);
        toSocket.Shutdown(SocketShutdown.Send);
    }
}
