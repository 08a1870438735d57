namespace TinyImage.Advisories;

/// <summary>The operator of one requirement comparator, as the <c>semver</c> crate names them.</summary>
public enum ComparatorOp
{
    /// <summary><c>=1.2.3</c>: the same version (missing parts match anything).</summary>
    Exact,

    /// <summary><c>&gt;1.2.3</c>.</summary>
    Greater,

    /// <summary><c>&gt;=1.2.3</c>.</summary>
    GreaterEq,

    /// <summary><c>&lt;1.2.3</c>.</summary>
    Less,

    /// <summary><c>&lt;=1.2.3</c>.</summary>
    LessEq,

    /// <summary><c>~1.2.3</c>: patch updates only (<c>~1</c>: minor updates).</summary>
    Tilde,

    /// <summary><c>^1.2.3</c> or a bare <c>1.2.3</c>: updates that keep the left-most non-zero part.</summary>
    Caret,

    /// <summary><c>1.*</c>, <c>1.2.*</c>: any version with the given leading parts.</summary>
    Wildcard,
}
