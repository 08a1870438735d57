namespace TinyImage.Operator.Sources.Webhooks;

/// <summary>The receiver's answer: an HTTP status and a one-line text body.</summary>
internal sealed record WebhookResponse(int Status, string Body);
