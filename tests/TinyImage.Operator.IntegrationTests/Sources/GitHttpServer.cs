using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using TinyImage.Operator.IntegrationTests.Registry;

namespace TinyImage.Operator.IntegrationTests.Sources;

/// <summary>
/// A real git server over smart HTTP on loopback: Debian's <c>lighttpd</c> (mod_cgi, mod_openssl with a throwaway CA,
/// optionally mod_auth basic) running <c>git http-backend</c> for one bare repository, <c>app.git</c>, with a branch
/// <c>main</c>. <see cref="CommitAsync"/> makes a commit in a work tree and pushes it to the bare repository, as a
/// developer's push would. <see cref="SkipReason"/> says why the server could not run (lighttpd or git missing).
/// </summary>
internal sealed class GitHttpServer : IAsyncDisposable
{
    public const string Lighttpd = "/usr/sbin/lighttpd";
    public const string HttpBackend = "/usr/lib/git-core/git-http-backend";
    public const string Username = "bot";
    public const string Password = "s3cret-token";

    private readonly Process? process;
    private readonly string directory;
    private int commits;

    private GitHttpServer(string directory, int port, TestPki? pki, Process? process, string? skipReason)
    {
        this.directory = directory;
        Port = port;
        Pki = pki;
        this.process = process;
        SkipReason = skipReason;
    }

    public int Port { get; }

    /// <summary>The commit main pointed at when the server started.</summary>
    public string FirstCommit { get; private set; } = "";

    public TestPki? Pki { get; }

    public string? SkipReason { get; }

    /// <summary>The repository's URL as a spec names it.</summary>
    public string RepositoryUrl => "https://127.0.0.1:" + Port + "/git/app.git";

    /// <summary>How many ref advertisements (<c>info/refs?service=git-upload-pack</c>) the server answered.</summary>
    public int RefAdvertisements =>
        File.Exists(AccessLog) ? File.ReadAllLines(AccessLog).Count(l => l.Contains("/info/refs?service=git-upload-pack", StringComparison.Ordinal)) : 0;

    private string AccessLog => Path.Combine(directory, "access.log");

    public static async Task<GitHttpServer> StartAsync(bool basicAuth, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("tinyimage-git-").FullName;
        foreach (var tool in new[] { Lighttpd, HttpBackend, "/usr/bin/git" })
        {
            if (!File.Exists(tool))
            {
                return new GitHttpServer(directory, 0, null, null, tool + " is not installed (run scripts/install-tools.sh: Debian packages git, lighttpd, lighttpd-mod-openssl).");
            }
        }

        if (!File.Exists("/usr/lib/lighttpd/mod_openssl.so"))
        {
            return new GitHttpServer(directory, 0, null, null, "lighttpd's mod_openssl is not installed (Debian package lighttpd-mod-openssl; run scripts/install-tools.sh).");
        }

        var repos = Directory.CreateDirectory(Path.Combine(directory, "repos")).FullName;
        await Git(directory, cancellationToken, "init", "-q", "--bare", "-b", "main", Path.Combine(repos, "app.git"));
        await Git(directory, cancellationToken, "init", "-q", "-b", "main", Path.Combine(directory, "work"));

        var pki = new TestPki();
        var (_, cert, key) = pki.Write(directory);
        var users = Path.Combine(directory, "users");
        await File.WriteAllTextAsync(users, Username + ":" + Password + "\n", cancellationToken);
        var port = FreePort.Next();
        var auth = basicAuth
            ? $$"""
              auth.backend = "plain"
              auth.backend.plain.userfile = "{{users}}"
              auth.require = ( "/git/" => ( "method" => "basic", "realm" => "git", "require" => "valid-user" ) )
              """
            : "";
        var config = Path.Combine(directory, "lighttpd.conf");
        await File.WriteAllTextAsync(config, $$"""
            server.modules = ( "mod_alias", "mod_setenv", "mod_auth", "mod_authn_file", "mod_cgi", "mod_openssl", "mod_accesslog" )
            server.bind = "127.0.0.1"
            server.port = {{port}}
            server.document-root = "{{repos}}"
            server.errorlog = "{{Path.Combine(directory, "error.log")}}"
            accesslog.filename = "{{Path.Combine(directory, "access.log")}}"
            ssl.engine = "enable"
            ssl.pemfile = "{{cert}}"
            ssl.privkey = "{{key}}"
            alias.url = ( "/git" => "{{HttpBackend}}" )
            $HTTP["url"] =~ "^/git" {
              cgi.assign = ( "" => "" )
              setenv.add-environment = ( "GIT_PROJECT_ROOT" => "{{repos}}", "GIT_HTTP_EXPORT_ALL" => "" )
            }
            {{auth}}
            """, cancellationToken);

        var start = new ProcessStartInfo(Lighttpd) { ArgumentList = { "-D", "-f", config }, UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("lighttpd did not start");
        var server = new GitHttpServer(directory, port, pki, process, null);
        server.FirstCommit = await server.CommitAsync("first", cancellationToken);

        // Bounded wait for the listening socket.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return server;
            }
            catch (SocketException) when (attempt < 100 && !process.HasExited)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (SocketException)
            {
                var log = File.Exists(Path.Combine(directory, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "error.log"), cancellationToken) : "";
                await server.DisposeAsync();
                throw new InvalidOperationException("lighttpd did not listen on " + port + ": " + log + await process.StandardError.ReadToEndAsync(cancellationToken));
            }
        }
    }

    /// <summary>Commits a file change on main and pushes it to the served repository; returns the new commit id.</summary>
    public async Task<string> CommitAsync(string message, CancellationToken cancellationToken)
    {
        var work = Path.Combine(directory, "work");
        await File.WriteAllTextAsync(Path.Combine(work, "README"), message + " " + Interlocked.Increment(ref commits) + "\n", cancellationToken);
        await Git(work, cancellationToken, "add", "README");
        await Git(work, cancellationToken, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", message);
        await Git(work, cancellationToken, "push", "-q", Path.Combine(directory, "repos", "app.git"), "main");
        return (await Git(work, cancellationToken, "rev-parse", "HEAD")).Trim();
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        Pki?.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private static async Task<string> Git(string workingDirectory, CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = workingDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var stdout = git.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = git.StandardError.ReadToEndAsync(cancellationToken);
        await git.WaitForExitAsync(cancellationToken);
        if (git.ExitCode != 0)
        {
            throw new InvalidOperationException("git " + string.Join(' ', args) + " failed: " + await stderr);
        }

        return await stdout;
    }
}
