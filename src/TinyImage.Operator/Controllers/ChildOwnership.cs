using k8s;
using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;

namespace TinyImage.Operator.Controllers;

/// <summary>
/// Adopt only our own children: an object with a child's name is used (read, updated, followed) only when its
/// controller owner reference is this TinyImage's uid. Anything else is in the way: the TinyImage says which object,
/// and the operator writes nothing to it.
/// </summary>
internal static class ChildOwnership
{
    /// <summary>Null when <paramref name="child"/> is controlled by the pass's TinyImage; else the problem to report.</summary>
    public static StepProblem? Check(ReconcilePass pass, IKubernetesObject<V1ObjectMeta>? child, string kind)
    {
        if (child is null || IsOurs(pass, child))
        {
            return null;
        }

        return Conflict(pass, kind, child.Metadata.Name);
    }

    public static bool IsOurs(ReconcilePass pass, IKubernetesObject<V1ObjectMeta> child) =>
        Owners.ControllerOf(child)?.Uid is { } uid && uid == pass.TinyImage.Metadata.Uid;

    public static StepProblem Conflict(ReconcilePass pass, string kind, string name) => new(
        Conditions.ReasonChildConflict,
        kind + " " + pass.Namespace + "/" + name + " exists and is not controlled by this TinyImage",
        InputsStep.MissingInputRecheck);
}
