namespace TinyImage.Operator.Sources;

/// <summary>A git server's answer that does not follow the smart-HTTP protocol (pkt-lines, the ref advertisement).</summary>
internal sealed class GitProtocolException(string message) : Exception(message);
