using System.Collections.Concurrent;
using TinyImageResource = TinyImage.Api.V1Alpha1.TinyImage;

namespace TinyImage.Api;

/// <summary>
/// Which generation of each TinyImage (by uid) <see cref="SpecValidator"/> found valid, so that the passes of an
/// unchanged spec do not validate it again (issue 17: the validation was a sixth of the operator's CPU per pass). The
/// verdict depends only on the name, the namespace and the spec: the uid fixes the first two, and
/// <c>metadata.generation</c> changes whenever the spec does. Only valid verdicts are remembered (an invalid spec is
/// validated again, every error named); an object without a uid or a generation is always validated.
/// </summary>
public sealed class ValidatedSpecs
{
    private readonly ConcurrentDictionary<string, (long Generation, string? Variant)> valid = new(StringComparer.Ordinal);

    /// <summary>Generations remembered; for tests.</summary>
    public int Count => valid.Count;

    /// <summary>
    /// Validates <paramref name="resource"/> unless this generation of it was found valid before. A caller that validates
    /// changed copies (the same uid and generation, a few fields set) names what it set in <paramref name="variant"/>
    /// and keeps its own instance.
    /// </summary>
    public SpecValidation Validate(TinyImageResource resource, string? variant = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var uid = resource.Metadata?.Uid;
        var generation = resource.Metadata?.Generation;
        if (uid is not null && generation is { } seen && resource.Spec is not null && valid.TryGetValue(uid, out var known) && known == (seen, variant))
        {
            return ValidTinyImage.Of(resource, validatedBefore: true);
        }

        var validation = SpecValidator.Validate(resource);
        if (uid is not null)
        {
            if (validation.IsValid && generation is { } current)
            {
                valid[uid] = (current, variant);
            }
            else
            {
                valid.TryRemove(uid, out _);
            }
        }

        return validation;
    }

    /// <summary>Forgets a deleted TinyImage.</summary>
    public void Forget(string? uid)
    {
        if (uid is not null)
        {
            valid.TryRemove(uid, out _);
        }
    }
}
