using System.Diagnostics.CodeAnalysis;

namespace TinyImage.Operator;

/// <summary>
/// Whether this build has the developer command <c>crd</c> (the CRD YAML, the chart's copy and the API reference, generated
/// from the API types and their XML documentation). Every build has it except the NativeAOT binary that ships in the
/// image: publishing with PublishAot sets the switch to false (the csproj), and ILC then leaves out the generator, the
/// embedded documentation and the XML parser it needs (System.Private.Xml; BENCHMARKS.md section 6, "size"). Run it from a
/// checkout instead: <c>dotnet run --project src/TinyImage.Operator -- crd</c>.
/// </summary>
internal static class DeveloperCommands
{
    public const string SwitchName = "TinyImage.Operator.DeveloperCommands.IsSupported";

    /// <summary>True unless the switch is set to false (ILC folds it to a constant when it is given with Trim="true").</summary>
    [FeatureSwitchDefinition(SwitchName)]
    public static bool IsSupported => !AppContext.TryGetSwitch(SwitchName, out var enabled) || enabled;

    /// <summary>What a build without the developer commands answers to <paramref name="verb"/>.</summary>
    public static string Unavailable(string verb) =>
        "tinyimage-operator: '" + verb + "' is a developer command and is not in this build (the NativeAOT binary leaves it out); "
        + "run it from a checkout: dotnet run --project src/TinyImage.Operator -- " + verb;
}
