namespace TinyImage.Sbom;

/// <summary>A named reason why an SBOM could not be read, with a sentence for a person.</summary>
/// <param name="Error">The machine-readable reason.</param>
/// <param name="Message">What exactly was wrong (offsets, names, sizes).</param>
public sealed record SbomFailure(SbomError Error, string Message)
{
    public override string ToString() => $"{Error}: {Message}";
}
