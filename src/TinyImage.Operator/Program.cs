namespace TinyImage.Operator;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("tinyimage-operator: not implemented yet");
        return args.Length == 0 ? 0 : 2;
    }
}
