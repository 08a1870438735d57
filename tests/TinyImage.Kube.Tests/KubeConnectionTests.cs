using System.Text;
using TinyImage.Testing;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using TinyImage.Kube;
using Xunit;

namespace TinyImage.Kube.Tests;

/// <summary>
/// Credentials that cannot be loaded for a request (a service-account token file that cannot be read, an exec plugin
/// that fails) are the named error <c>CredentialsUnavailable</c>, which the informers retry like any API error.
/// </summary>
public sealed class KubeConnectionTests
{
    private static readonly Uri Server = new("https://api.test:6443/");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Failures() => new() { "unreadable", "missing", "exec" };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Credentials_That_Cannot_Be_Loaded_Are_Named_CredentialsUnavailable(string failure)
    {
        using var stub = new StubHandler(_ => StubHandler.Status(System.Net.HttpStatusCode.OK));
        using var connection = new KubeConnection(new HttpClient(stub), Server, (_, _) => throw Failure(failure));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server, "api/v1/configmaps"));

        var error = await Assert.ThrowsAsync<KubeApiException>(() => connection.SendAsync(request, streaming: false, Ct));

        Assert.Equal(KubeApiException.CredentialsUnavailable, error.Reason);
        Assert.Contains("GET /api/v1/configmaps", error.Message, StringComparison.Ordinal);
        Assert.Contains(Failure(failure).Message, error.Message, StringComparison.Ordinal);
        Assert.True(KubeErrors.IsRetryable(error));
        Assert.Empty(stub.Requests); // nothing went out without credentials
    }

    [Fact]
    public async Task An_Informer_Retries_While_The_Token_Cannot_Be_Read_And_Syncs_Once_It_Can()
    {
        var refusals = 3;
        using var stub = new StubHandler(request => request.RequestUri!.Query.Contains("watch=true", StringComparison.Ordinal)
            ? StubHandler.Status(System.Net.HttpStatusCode.OK)
            : StubHandler.Bytes(Encoding.UTF8.GetBytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMapList\",\"metadata\":{\"resourceVersion\":\"5\"},\"items\":[]}"), "application/json"));
        using var connection = new KubeConnection(new HttpClient(stub), Server, (_, _) =>
            Interlocked.Decrement(ref refusals) >= 0 ? throw new UnauthorizedAccessException("Access to the path '/var/run/secrets/kubernetes.io/serviceaccount/token' is denied.") : Task.CompletedTask);
        var informer = new Informer<V1ConfigMap>(
            new ResourceClient<V1ConfigMap>(connection, ResourceTypes.ConfigMaps),
            new InformerOptions { BackoffInitial = TimeSpan.FromMilliseconds(5), BackoffMax = TimeSpan.FromMilliseconds(50), WatchTimeoutSeconds = 5 },
            TimeProvider.System,
            NullLogger.Instance);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = informer.RunAsync(stop.Token);

        await Eventually.TrueAsync(() => informer.HasSynced || run.IsCompleted, "the informer synced", Ct);

        Assert.False(run.IsCompleted, "the informer stopped: " + run.Exception);
        Assert.True(informer.ListCount >= 4, "lists: " + informer.ListCount);
        await stop.CancelAsync();
        await run;
    }

    private static Exception Failure(string kind) => kind switch
    {
        "unreadable" => new UnauthorizedAccessException("Access to the path '/var/run/secrets/kubernetes.io/serviceaccount/token' is denied."),
        "missing" => new FileNotFoundException("Could not find file '/var/run/secrets/kubernetes.io/serviceaccount/token'."),
        _ => new k8s.Exceptions.KubeConfigException("exec: executable aws-iam-authenticator not found"),
    };
}
