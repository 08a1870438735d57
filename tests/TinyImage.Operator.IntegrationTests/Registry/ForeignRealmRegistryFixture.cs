namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>
/// The token registry whose challenge names its realm by another host name (<c>localhost</c>) than the registry's own
/// (<c>127.0.0.1</c>): a realm on another host, as a registry can send to collect its users' credentials.
/// </summary>
public sealed class ForeignRealmRegistryFixture : TokenRegistryFixture
{
    protected override string? RealmHost => "localhost";
}
