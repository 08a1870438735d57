namespace TinyImage.Oci;

/// <summary>Why a registry operation failed. Each kind maps to one <see cref="Verification.VerificationReasons"/> value.</summary>
public enum RegistryErrorKind
{
    /// <summary>401/403, or no usable credentials or token.</summary>
    Unauthorized,

    /// <summary>404: repository, manifest or blob unknown.</summary>
    NotFound,

    /// <summary>The bytes served do not hash to the digest they were asked for (or differ in size).</summary>
    DigestMismatch,

    /// <summary>A manifest, blob or entry exceeds a configured cap.</summary>
    TooLarge,

    /// <summary>Network failure, timeout, or 429/5xx after the retries ran out.</summary>
    Unavailable,

    /// <summary>The registry answered with something that is not a valid manifest, index, token or reference.</summary>
    Malformed,

    /// <summary>
    /// The operator's outbound policy refused the destination: a registry, redirect target or token realm on a denied
    /// address (loopback, link-local, a cluster range), or a token realm over plain HTTP for a registry not allowed insecure.
    /// </summary>
    DestinationRefused,
}
