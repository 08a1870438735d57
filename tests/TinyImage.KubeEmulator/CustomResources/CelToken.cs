namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>One lexical token of a CEL rule.</summary>
internal sealed record CelToken(CelTokenKind Kind, string Text);
