using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace TinyImage.KubeEmulator.StandIns;

/// <summary>
/// One container probe as the kubelet runs it (pkg/kubelet/prober): <c>httpGet</c> succeeds on a status from 200 to
/// 399 (HTTPS without certificate verification), <c>tcpSocket</c> on a connection; the port may be a container port's
/// name. The host is the pod's address, which is the host's loopback under host networking. <c>exec</c> and
/// <c>grpc</c> probes are refused when the pod starts (<see cref="Unsupported"/>).
/// </summary>
public sealed class PodProbe
{
    private readonly JsonObject _probe;
    private readonly JsonObject _container;

    /// <summary>Wraps a probe of <paramref name="container"/>.</summary>
    public PodProbe(JsonObject probe, JsonObject container)
    {
        _probe = probe;
        _container = container;
    }

    /// <summary><c>initialDelaySeconds</c> (default 0).</summary>
    public TimeSpan InitialDelay => TimeSpan.FromSeconds(JsonNumbers.Int(_probe["initialDelaySeconds"]) ?? 0);

    /// <summary><c>periodSeconds</c> (default 10).</summary>
    public TimeSpan Period => TimeSpan.FromSeconds(JsonNumbers.Int(_probe["periodSeconds"]) ?? 10);

    /// <summary><c>timeoutSeconds</c> (default 1).</summary>
    public TimeSpan Timeout => TimeSpan.FromSeconds(JsonNumbers.Int(_probe["timeoutSeconds"]) ?? 1);

    /// <summary><c>failureThreshold</c> (default 3).</summary>
    public int FailureThreshold => JsonNumbers.Int(_probe["failureThreshold"]) ?? 3;

    /// <summary><c>successThreshold</c> (default 1).</summary>
    public int SuccessThreshold => JsonNumbers.Int(_probe["successThreshold"]) ?? 1;

    /// <summary>Why the stand-in cannot run <paramref name="probe"/>, or null.</summary>
    public static string? Unsupported(JsonObject? probe) =>
        probe is null || probe["httpGet"] is JsonObject || probe["tcpSocket"] is JsonObject
            ? null
            : "the pod stand-in runs httpGet and tcpSocket probes only, not " + string.Join(',', probe.Select(p => p.Key).Where(k => k is "exec" or "grpc"));

    /// <summary>Runs the probe once: null on success, else the failure the kubelet would record.</summary>
    public async Task<string?> RunAsync(HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            if (_probe["tcpSocket"] is JsonObject tcp)
            {
                using var client = new TcpClient();
                await client.ConnectAsync((string?)tcp["host"] ?? "127.0.0.1", Port(tcp["port"]), timeout.Token);
                return null;
            }

            var get = (JsonObject)_probe["httpGet"]!;
            var scheme = ((string?)get["scheme"] ?? "HTTP").ToLowerInvariant();
            var url = new Uri(string.Create(CultureInfo.InvariantCulture, $"{scheme}://{(string?)get["host"] ?? "127.0.0.1"}:{Port(get["port"])}{(string?)get["path"] ?? "/"}"));
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("User-Agent", "kube-probe/1.35");
            foreach (var h in (get["httpHeaders"] as JsonArray ?? []).OfType<JsonObject>())
            {
                request.Headers.TryAddWithoutValidation((string?)h["name"] ?? "", (string?)h["value"] ?? "");
            }

            using var response = await http.SendAsync(request, timeout.Token);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 400 ? null : string.Create(CultureInfo.InvariantCulture, $"HTTP probe failed with statuscode: {code}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "probe timed out after " + Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";
        }
        catch (Exception e) when (e is HttpRequestException or SocketException)
        {
            return e.Message;
        }
    }

    private int Port(JsonNode? port)
    {
        if (JsonNumbers.Int(port) is { } number)
        {
            return number;
        }

        var name = (string?)port;
        return JsonNumbers.Int((_container["ports"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p => (string?)p["name"] == name)?["containerPort"])
            ?? (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0);
    }
}
