namespace TinyImage.KubeEmulator.Builtins;

/// <summary>One field of a Go struct: its JSON name, type and json tag options.</summary>
internal sealed record GoField(string Name, GoType Type, bool OmitEmpty, bool OmitZero, bool Inline);
