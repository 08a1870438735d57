using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace TinyImage.Kube.Tests;

/// <summary>
/// A loopback HTTPS listener standing in for an API server where the emulator cannot (client certificates, basic
/// auth): it asks for a client certificate, records each request's Authorization header and the client certificate's
/// subject, and answers <c>200 {"kind":"Status"}</c>.
/// </summary>
internal sealed class TlsApiServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 certificate;
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;

    public TlsApiServer(X509Certificate2 certificate)
    {
        this.certificate = certificate;
        listener.Start();
        accepting = AcceptAsync();
    }

    public Uri BaseUri => new("https://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port + "/");

    /// <summary>Each request answered: its Authorization header and the client certificate's subject (null when none).</summary>
    public List<(string? Authorization, string? ClientSubject)> Requests { get; } = [];

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            await using var tls = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate, ClientCertificateRequired = true }, stop.Token);
            var head = await ReadHeadAsync(tls);
            if (head.Length == 0)
            {
                return; // the client closed the connection after the handshake: it refused the certificate (TLS 1.3 lets the server finish first)
            }

            var authorization = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase))?["Authorization:".Length..].Trim();
            lock (Requests)
            {
                Requests.Add((authorization, tls.RemoteCertificate?.Subject));
            }

            var body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}";
            await tls.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.Length + "\r\nConnection: close\r\n\r\n" + body), stop.Token);
            await tls.FlushAsync(stop.Token);
        }
        catch (Exception exception) when (exception is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            // A client that refused the certificate, or the server stopping.
        }
    }

    private async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, stop.Token);
            if (read == 0)
            {
                break;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return head.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        stop.Dispose();
    }
}
