namespace TinyImage.Operator.Sources.Webhooks;

/// <summary>A webhook delivery as the receiver sees it: the headers it reads and the exact body bytes.</summary>
internal sealed record WebhookRequest(Func<string, string?> Header, byte[] Body);
