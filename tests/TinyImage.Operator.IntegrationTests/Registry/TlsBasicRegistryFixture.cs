using Xunit;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using TinyImage.Oci;

namespace TinyImage.Operator.IntegrationTests.Registry;

/// <summary>docker-registry over TLS (a CA generated per run) with htpasswd (bcrypt) basic authentication.</summary>
public sealed class TlsBasicRegistryFixture : RegistryFixture
{
    public const string User = "alice";
    public const string Password = "correct horse battery staple";

    private readonly TestPki pki = new();

    public string CaPemPath { get; private set; } = string.Empty;

    internal override X509Certificate2Collection? Trust => [pki.Ca];

    internal RegistryCredentials Credentials => RegistryCredentials.For(Host, new RegistryCredential(User, Password));

    protected override string? MissingPrerequisite =>
        File.Exists("/usr/bin/htpasswd") ? null : "htpasswd (apache2-utils) is not installed: run scripts/install-tools.sh.";

    protected override async Task<string> PrepareAsync()
    {
        var (ca, cert, key) = pki.Write(Directory);
        CaPemPath = ca;
        var htpasswd = Path.Combine(Directory, "htpasswd");
        await File.WriteAllTextAsync(htpasswd, await BcryptLineAsync(User, Password));
        return $"""
            http:
              addr: 127.0.0.1:{Port}
              secret: {Guid.NewGuid():N}
              tls:
                certificate: {cert}
                key: {key}
            auth:
              htpasswd:
                realm: tinyimage-test
                path: {htpasswd}
            """;
    }

    protected override Task<bool> ProbeAsync() =>
        ProbeWith(RegistryHttpHandlers.Create(Trust, insecure: false, TimeSpan.FromSeconds(2), LoopbackAllowed.Policy), new Uri($"https://{Host}/v2/"));

    /// <summary><c>htpasswd -Bbn USER PASSWORD</c> (apache2-utils): a bcrypt line, as docker-registry only accepts bcrypt.</summary>
    private static async Task<string> BcryptLineAsync(string user, string password)
    {
        var start = new ProcessStartInfo("htpasswd") { ArgumentList = { "-Bbn", user, password }, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(start) ?? throw new InvalidOperationException("htpasswd did not start.");
        var line = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return p.ExitCode == 0 ? line.Trim() + "\n" : throw new InvalidOperationException("htpasswd failed: " + await p.StandardError.ReadToEndAsync());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        pki.Dispose();
    }
}
