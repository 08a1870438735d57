using System.Text;
using k8s.Models;
using TinyImage.Api.V1Alpha1;
using TinyImage.Kube;
using TinyImage.Operator.Sources;

namespace TinyImage.Operator.Reconciler;

/// <summary>
/// The inputs step's part for a git source: the commit the build is pinned to, and <c>status.source</c>. A pinned
/// ref.commit needs no resolving. A branch, tag or the default branch is resolved through <see cref="SourceRevisions"/>
/// (from memory, or at once when the <c>tinyimage.dev/push</c> annotation changed since <c>status.source.lastHandledPush</c>).
/// When resolving fails, a commit status recorded for the same spec generation is kept (and the failure shown in
/// <c>status.source.message</c>); without one the pass stops with SourceUnresolved.
/// </summary>
internal static class SourceRevision
{
    /// <summary>The commit and full ref for the build, or the stop result.</summary>
    internal readonly record struct Outcome(string? Commit, string? RefName, StepResult? Stop);

    /// <summary>Basic-auth credentials from a Secret's <c>username</c> and <c>password</c> keys (null when it has no password).</summary>
    public static GitCredential? Credential(V1Secret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var data = secret.Data ?? new Dictionary<string, byte[]>();
        if (!data.TryGetValue("password", out var password))
        {
            return null;
        }

        var username = data.TryGetValue("username", out var user) ? Encoding.UTF8.GetString(user) : "git";
        return new GitCredential(username, Encoding.UTF8.GetString(password));
    }

    public static async Task<Outcome> ResolveAsync(Reconciliation run, SourceRevisions? sources, GitCredential? credential, CancellationToken cancellationToken)
    {
        var key = new ObjectKey(run.Namespace, run.Name);
        if (run.TinyImage.Spec.Source.Git is not { } git)
        {
            sources?.Forget(key);
            run.Status.Source = null;
            return default;
        }

        if (git.Ref?.Commit is { } pinned)
        {
            sources?.Forget(key);
            run.Status.Source = new SourceStatus { Commit = pinned };
            return new Outcome(pinned, null, null);
        }

        if (sources is null)
        {
            return default;
        }

        var push = run.TinyImage.Metadata.Annotations?.TryGetValue(Annotations.Push, out var value) == true ? value : null;
        var previous = run.Status.Source;
        var fresh = push is not null && push != previous?.LastHandledPush;
        var refName = GitRefResolver.RefName(git.Ref?.Branch, git.Ref?.Tag);
        var revisionKey = new GitRevisionKey(git.Url, refName, git.CredentialsSecret is null ? null : run.Namespace, git.CredentialsSecret);
        var result = await sources.ResolveAsync(key, revisionKey, credential, sources.Interval(git.PollIntervalSeconds), fresh, cancellationToken).ConfigureAwait(false);
        if (result.Commit is { } commit)
        {
            run.Status.Source = new SourceStatus { Commit = commit, Ref = result.RefName, LastHandledPush = push };
            return new Outcome(commit, result.RefName, null);
        }

        // Same spec as the status speaks of: its commit still names the build; say why it is not newer.
        if (previous?.Commit is { } known && run.Status.ObservedGeneration == run.Generation)
        {
            previous.Message = result.Message;
            previous.LastHandledPush = push;
            return new Outcome(known, previous.Ref, null);
        }

        run.Status.Source = new SourceStatus { Ref = refName, Message = result.Message, LastHandledPush = push };
        return new Outcome(null, null, StepResult.Stop(Conditions.ReasonSourceUnresolved, "cannot resolve " + refName + " of " + git.Url + ": " + result.Message, StepResult.Recheck));
    }
}
