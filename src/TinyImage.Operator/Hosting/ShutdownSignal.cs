using System.Runtime.InteropServices;

namespace TinyImage.Operator.Hosting;

/// <summary>Cancels a token on SIGTERM (Kubernetes stopping the pod) or SIGINT (Ctrl+C), so the lease is released.</summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration sigterm;
    private readonly PosixSignalRegistration sigint;

    public ShutdownSignal()
    {
        sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
        sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
    }

    public CancellationToken Token => source.Token;

    public void Dispose()
    {
        sigterm.Dispose();
        sigint.Dispose();
        source.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // shut down in order instead of exiting at once
        source.Cancel();
    }
}
