namespace TinyImage.Sbom;

/// <summary>What the registry client learnt about the image the binary was taken from; input to the policy.</summary>
/// <param name="Repository">Image repository without tag or digest, e.g. <c>registry.example:5000/team/hello</c>.</param>
/// <param name="Digest">The manifest digest (<c>sha256:</c> and 64 lowercase hex digits): the SBOM's subject.</param>
/// <param name="TotalSizeBytes">Total compressed size of the image (layers plus config, as in the manifest).</param>
/// <param name="LayerCount">Number of layers in the manifest.</param>
/// <param name="OtherFiles">Every regular file, symlink or other non-directory entry in the image except <c>/bin/&lt;binary&gt;</c>,
/// as absolute paths; empty for a scratch image holding only the binary.</param>
public sealed record ImageFacts(string Repository, string Digest, long TotalSizeBytes, int LayerCount, IReadOnlyList<string> OtherFiles);
