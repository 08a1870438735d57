using System.Diagnostics.CodeAnalysis;

namespace TinyImage.Sbom;

/// <summary>Either a value or a named <see cref="SbomFailure"/>: the reader's expected outcomes are results, not exceptions.</summary>
/// <typeparam name="T">The value on success.</typeparam>
public sealed class SbomOutcome<T>
    where T : class
{
    private SbomOutcome(T? value, SbomFailure? failure)
    {
        Value = value;
        Failure = failure;
    }

    /// <summary>The value, when <see cref="IsSuccess"/>.</summary>
    public T? Value { get; }

    /// <summary>The failure, when not <see cref="IsSuccess"/>.</summary>
    public SbomFailure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsSuccess => Value is not null;

#pragma warning disable CA1000 // Static factories on the generic type read best at the call site.
    public static SbomOutcome<T> Ok(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    public static SbomOutcome<T> Fail(SbomFailure failure) => new(null, failure ?? throw new ArgumentNullException(nameof(failure)));

    public static SbomOutcome<T> Fail(SbomError error, string message) => Fail(new SbomFailure(error, message));
#pragma warning restore CA1000

    public override string ToString() => IsSuccess ? $"Ok({Value})" : $"Fail({Failure})";
}
