namespace TinyImage.Operator;

internal static class Program
{
    public static int Main(string[] args)
    {
        if (args is [Crd.CrdCommand.Verb, .. var crdArgs])
        {
            return Crd.CrdCommand.Run(crdArgs, Console.Out, Console.Error);
        }

        if (args is ["verify", .. var verifyArgs])
        {
            return new Cli.VerifyCommand().RunAsync(verifyArgs, Console.Out, Console.Error, CancellationToken.None).GetAwaiter().GetResult();
        }

        Console.Error.WriteLine("tinyimage-operator: not implemented yet");
        return args.Length == 0 ? 0 : 2;
    }
}
