namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>Lexical classes of a CEL rule, as far as the cost estimator needs them.</summary>
internal enum CelTokenKind
{
    Ident,
    String,
    Number,
    Operator,
    Punctuation,
}
