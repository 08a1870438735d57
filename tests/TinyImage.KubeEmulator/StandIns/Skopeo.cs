namespace TinyImage.KubeEmulator.StandIns;

/// <summary>Pushes an image with the real <c>skopeo copy</c>, byte for byte from a <c>dir:</c> layout.</summary>
public static class Skopeo
{
    /// <summary>True when skopeo is installed.</summary>
    public static bool IsInstalled => Tool.Find("skopeo") is not null;

    /// <summary>
    /// Pushes <paramref name="layout"/> (written by <see cref="OciImage.WriteDirLayout"/>) to <paramref name="destination"/>
    /// (<c>host:port/repo:tag</c>) with the credentials of a Docker config file and the CA certificates in
    /// <paramref name="certDirectory"/>, or without TLS verification. Returns the pushed manifest digest.
    /// </summary>
    public static async Task<StandInResult<string>> PushAsync(
        string layout,
        string destination,
        string? authFile,
        string? certDirectory,
        bool tlsVerify,
        CancellationToken cancellationToken)
    {
        var skopeo = Tool.Find("skopeo") ?? throw new InvalidOperationException("skopeo is not installed");
        var digestFile = Path.Combine(layout, "pushed-digest");
        var args = new List<string> { "copy", "--quiet", "--retry-times", "0", "--digestfile", digestFile };
        if (authFile is not null)
        {
            args.AddRange(["--dest-authfile", authFile]);
        }
        else
        {
            args.Add("--dest-no-creds");
        }

        if (!tlsVerify)
        {
            args.Add("--dest-tls-verify=false");
        }
        else if (certDirectory is not null)
        {
            args.AddRange(["--dest-cert-dir", certDirectory]);
        }

        args.AddRange(["dir:" + layout, "docker://" + destination]);
        var result = await Tool.RunAsync(skopeo, args, cancellationToken, new Dictionary<string, string> { ["HOME"] = layout });
        if (!result.Succeeded)
        {
            return StandInResult<string>.Fail(result.Describe());
        }

        return StandInResult<string>.Ok((await File.ReadAllTextAsync(digestFile, cancellationToken)).Trim());
    }
}
