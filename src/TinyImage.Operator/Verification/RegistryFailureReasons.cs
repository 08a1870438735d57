using TinyImage.Oci;
using TinyImage.Oci.Layers;

namespace TinyImage.Operator.Verification;

/// <summary>How registry and layer errors become SbomVerified reasons; one mapping for the verifier and the verify verb.</summary>
internal static class RegistryFailureReasons
{
    public static string Of(RegistryException e) => e.Kind switch
    {
        RegistryErrorKind.Unauthorized => VerificationReasons.RegistryUnauthorized,
        RegistryErrorKind.DigestMismatch => VerificationReasons.DigestMismatch,
        RegistryErrorKind.TooLarge => VerificationReasons.ImageTooLarge,
        RegistryErrorKind.Malformed => VerificationReasons.ImageMalformed,
        RegistryErrorKind.DestinationRefused => VerificationReasons.RegistryDestinationRefused,
        _ => VerificationReasons.RegistryUnavailable,
    };

    public static string Of(ImageLayerException e) => e.Kind switch
    {
        LayerErrorKind.BinaryNotFound or LayerErrorKind.BinaryNotRegularFile => VerificationReasons.BinaryNotFound,
        LayerErrorKind.TooLarge => VerificationReasons.ImageTooLarge,
        _ => VerificationReasons.ImageMalformed,
    };
}
