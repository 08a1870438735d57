namespace TinyImage.Api.V1Alpha1;

/// <summary>The values of status.phase.</summary>
public static class Phases
{
    public const string Pending = "Pending";
    public const string Building = "Building";
    public const string Verifying = "Verifying";
    public const string Deploying = "Deploying";
    public const string Ready = "Ready";
    public const string Failed = "Failed";
}
