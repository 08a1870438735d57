namespace TinyImage.Operator;

internal static class Program
{
    public static int Main(string[] args)
    {
        if (args is [Crd.CrdCommand.Verb, .. var crdArgs])
        {
            return Crd.CrdCommand.Run(crdArgs, Console.Out, Console.Error);
        }

        Console.Error.WriteLine("tinyimage-operator: not implemented yet");
        return args.Length == 0 ? 0 : 2;
    }
}
