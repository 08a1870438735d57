namespace TinyImage.KubeEmulator.CustomResources;

/// <summary>apimachinery's field error types.</summary>
internal enum FieldErrorType
{
    Invalid,
    Required,
    Forbidden,
    NotSupported,
    TooLong,
    TooMany,
    TypeInvalid,
}
