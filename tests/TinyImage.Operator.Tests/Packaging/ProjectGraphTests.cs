using System.Text.RegularExpressions;
using System.Xml.Linq;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Packaging;

/// <summary>
/// The rule docs/architecture.md states: the libraries reference no project (so there is no cycle) and know nothing
/// of TinyImage or the operator; only the executable references them; every project has a mirrored test project.
/// </summary>
public sealed partial class ProjectGraphTests
{
    /// <summary>The libraries the executable is built from.</summary>
    private static readonly string[] Libraries = ["TinyImage.Advisories", "TinyImage.Api", "TinyImage.Kube", "TinyImage.Oci", "TinyImage.Sbom", "TinyImage.Yaml"];

    /// <summary>Every library.</summary>
    public static TheoryData<string> LibraryNames() => [.. Libraries];

    [Theory]
    [MemberData(nameof(LibraryNames))]
    public void A_Library_References_No_Other_Project(string library)
    {
        Assert.Empty(References(library));
    }

    [Fact]
    public void The_Executable_References_Exactly_The_Libraries()
    {
        Assert.Equal(Libraries.Order(StringComparer.Ordinal), References("TinyImage.Operator").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("TinyImage.Kube")]
    [InlineData("TinyImage.Oci")]
    [InlineData("TinyImage.Sbom")]
    [InlineData("TinyImage.Yaml")]
    [InlineData("TinyImage.Advisories")]
    public void The_Runtime_And_The_Readers_Know_Nothing_Of_TinyImage_Or_The_Operator(string library)
    {
        var offending = Directory.EnumerateFiles(RepoPaths.Repo("src", library), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Where(f => OperatorOrApi().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f))
            .ToList();

        Assert.Empty(offending);
    }

    [Theory]
    [MemberData(nameof(LibraryNames))]
    [InlineData("TinyImage.Operator")]
    public void Every_Project_Has_A_Test_Project_That_References_It(string project)
    {
        var tests = RepoPaths.Repo("tests", project + ".Tests", project + ".Tests.csproj");
        Assert.True(File.Exists(tests), tests + " is missing");
        Assert.Contains(project, ProjectReferenceNames(tests));
    }

    private static IEnumerable<string> References(string project) =>
        ProjectReferenceNames(RepoPaths.Repo("src", project, project + ".csproj"));

    private static List<string> ProjectReferenceNames(string csproj) =>
        [.. XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(((string?)r.Attribute("Include") ?? "").Replace('\\', '/')))];

    /// <summary>A using, a namespace or a qualified name of the API or the operator.</summary>
    [GeneratedRegex(@"\bTinyImage\.(Operator|Api)\b")]
    private static partial Regex OperatorOrApi();
}
