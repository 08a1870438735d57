using System.Globalization;
using TinyImage.Oci.Layers;

namespace TinyImage.Operator.Cli;

/// <summary>The <c>verify</c> verb's download progress: a line per quarter of each layer larger than 1 MiB.</summary>
internal sealed class LayerProgress(TextWriter output) : IProgress<ImageInspector.BlobProgress>
{
    private const long Threshold = 1024 * 1024;

    private readonly Dictionary<string, int> reported = new(StringComparer.Ordinal);

    public void Report(ImageInspector.BlobProgress value)
    {
        if (value.TotalBytes < Threshold || value.TotalBytes <= 0)
        {
            return;
        }

        var quarter = (int)(value.BytesDone * 4 / value.TotalBytes);
        lock (reported)
        {
            if (reported.TryGetValue(value.Digest, out var last) && last >= quarter)
            {
                return;
            }

            reported[value.Digest] = quarter;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pulling {value.Digest[..19]}: {value.BytesDone / 1024} of {value.TotalBytes / 1024} KiB ({quarter * 25}%)"));
    }
}
