namespace TinyImage.KubeEmulator.Builtins;

/// <summary>A body the API server's decoder refuses (the server answers 400 BadRequest).</summary>
internal sealed class GoDecodeException(string message) : Exception(message);
