namespace TinyImage.Operator.Crd;

/// <summary>The <c>crd</c> verb: prints the CustomResourceDefinition YAML (<c>--chart</c>: the Helm chart's template form; <c>--reference</c>: the Markdown reference).</summary>
internal static class CrdCommand
{
    public const string Verb = "crd";

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        switch (args)
        {
            case []:
                output.Write(CrdGenerator.Yaml());
                return 0;
            case ["--chart"]:
                output.Write(CrdGenerator.ChartYaml());
                return 0;
            case ["--reference"]:
                output.Write(ReferenceDocs.Markdown());
                return 0;
            default:
                error.WriteLine("usage: tinyimage-operator crd [--chart | --reference]");
                return 2;
        }
    }
}
