using Xunit;
namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>docker-registry over plain HTTP, no authentication.</summary>
public sealed class PlainRegistryFixture : RegistryFixture
{
    internal override bool Insecure => true;

    protected override Task<string> PrepareAsync() => Task.FromResult($"""
        http:
          addr: 127.0.0.1:{Port}
          secret: {Guid.NewGuid():N}
        """);

    protected override Task<bool> ProbeAsync() => ProbeWith(new HttpClientHandler(), new Uri($"http://{Host}/v2/"));
}
