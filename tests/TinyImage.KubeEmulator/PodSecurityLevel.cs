namespace TinyImage.KubeEmulator;

/// <summary>The Pod Security Standards levels, from least to most restrictive.</summary>
internal enum PodSecurityLevel
{
    Privileged,
    Baseline,
    Restricted,
}
