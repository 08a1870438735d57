using TinyImage.Kube;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// Whether a build may start now. When it may not, the sentence a person reads (which cap and its value; the place in
/// line is <see cref="Place"/>, kept out of the sentence because it changes with every build that starts). <see cref="Others"/> are the older waiting builds that may start now too (their TinyImages are woken).
/// </summary>
internal sealed record BuildAdmission(bool Admitted, string? Message, int Place, IReadOnlyList<ObjectKey> Others);
