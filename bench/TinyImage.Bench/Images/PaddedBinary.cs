using System.Diagnostics;

namespace TinyImage.Bench.Images;

/// <summary>
/// Grows a real binary to a target size by adding a non-loaded section <c>.bench-pad</c> of seeded random (so
/// incompressible) bytes with <c>objcopy --add-section</c>; the cargo-auditable <c>.dep-v0</c> section stays as it was.
/// </summary>
internal static class PaddedBinary
{
    public static string Create(string source, long targetBytes, string output)
    {
        var size = new FileInfo(source).Length;
        if (targetBytes <= size)
        {
            File.Copy(source, output, overwrite: true);
            return output;
        }

        var pad = output + ".pad";
        var bytes = new byte[targetBytes - size - 256]; // section header + alignment take the rest, roughly
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(pad, bytes);
        var start = new ProcessStartInfo("objcopy")
        {
            ArgumentList = { "--add-section", ".bench-pad=" + pad, "--set-section-flags", ".bench-pad=readonly,data", source, output },
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("objcopy did not start");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        File.Delete(pad);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("objcopy failed: " + error);
        }

        return output;
    }
}
