using System.Collections.Concurrent;
using TinyImage.Operator.Verification;
using TinyImage.Sbom;

namespace TinyImage.Operator.IntegrationTests.Controllers;

/// <summary>
/// The test double of <see cref="IImageVerifier"/>: passes every digest unless told to refuse it, and can hold
/// verification at a gate so a test observes phase Verifying. With <see cref="Sbom"/> set, a digest not refused is judged
/// by the real policy evaluator on that SBOM, against <see cref="Advisories"/> at <see cref="Time"/>, as ImageVerifier does.
/// </summary>
internal sealed class FakeImageVerifier : IImageVerifier
{
    private readonly ConcurrentDictionary<string, VerificationResult> refusals = new();
    private readonly ConcurrentQueue<VerificationRequest> requests = new();
    private volatile TaskCompletionSource? gate;

    public IReadOnlyList<VerificationRequest> Requests => [.. requests];

    /// <summary>The SBOM every image carries; null: a canned pass.</summary>
    public AuditData? Sbom { get; set; }

    /// <summary>The advisory database the verifier audits against (empty until a test sets one).</summary>
    public AdvisoryDatabaseHolder Advisories { get; } = new();

    /// <summary>The clock that decides whether an ignore entry has expired.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Verification waits until <see cref="Open"/>.</summary>
    public void Close() => gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => gate?.TrySetResult();

    public void Refuse(string digest, string reason, string message) =>
        refusals[digest] = new VerificationResult(false, reason, message, 1234, 1, null, null);

    public async Task<VerificationResult> VerifyAsync(VerificationRequest request, CancellationToken cancellationToken)
    {
        requests.Enqueue(request);
        if (gate is { } waiting)
        {
            await waiting.Task.WaitAsync(cancellationToken);
        }

        if (refusals.TryGetValue(request.Digest, out var refused))
        {
            return refused;
        }

        if (Sbom is { } sbom)
        {
            return SbomPolicyEvaluator.Evaluate(request.Policy, SbomOutcome<AuditData>.Ok(sbom), null, Advisories.Current, Time.GetUtcNow());
        }

        var bom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"metadata\":{\"component\":{\"name\":\"" + request.BinaryName + "\"}},\"x-digest\":\"" + request.Digest + "\"}";
        return new VerificationResult(true, VerificationReasons.Verified, "3 packages, no denied package", 345_678, 1, new SbomSummary(3, request.BinaryName + " 0.1.0", 0), bom);
    }
}
