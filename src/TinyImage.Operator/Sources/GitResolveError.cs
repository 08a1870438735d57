namespace TinyImage.Operator.Sources;

/// <summary>Why a ref could not be resolved.</summary>
internal enum GitResolveError
{
    /// <summary>The repository answered, but has no such branch or tag (or no such repository: 404).</summary>
    NotFound,

    /// <summary>401 or 403: the credentials are missing or wrong.</summary>
    Unauthorized,

    /// <summary>The host could not be reached in time, or answered with a server error.</summary>
    Unreachable,

    /// <summary>The host's address is refused by the outbound policy.</summary>
    Refused,

    /// <summary>The answer is not a smart-HTTP ref advertisement, or is too large.</summary>
    Protocol,
}
