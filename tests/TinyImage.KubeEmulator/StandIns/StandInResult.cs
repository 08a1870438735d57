namespace TinyImage.KubeEmulator.StandIns;

/// <summary>A value, or the sentence that says why there is none. The stand-ins' expected failures are results, not exceptions.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed record StandInResult<T>
{
    private StandInResult(T? value, string? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value when <see cref="IsSuccess"/>.</summary>
    public T? Value { get; }

    /// <summary>Why there is no value, for a person (it becomes a Job's failure log).</summary>
    public string? Error { get; }

    /// <summary>True when there is a value.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>A value.</summary>
    public static StandInResult<T> Ok(T value) => new(value, null);

    /// <summary>A failure with its reason.</summary>
    public static StandInResult<T> Fail(string error) => new(default, error);

    /// <summary>The value, or an exception for a caller that already checked.</summary>
    public T Unwrap() => IsSuccess ? Value! : throw new InvalidOperationException(Error);
}
