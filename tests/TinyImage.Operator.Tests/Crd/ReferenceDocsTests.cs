using TinyImage.Operator.Crd;
using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests.Crd;

public sealed class ReferenceDocsTests
{
    [Fact]
    public void Committed_Reference_Equals_The_Generated_Markdown()
    {
        var committed = File.ReadAllText(RepoPaths.Repo(ReferenceDocs.Path));

        Assert.True(committed == ReferenceDocs.Markdown(),
            ReferenceDocs.Path + " differs from the CRD. Regenerate: dotnet run --project src/TinyImage.Operator -- crd --reference > " + ReferenceDocs.Path);
    }

    [Fact]
    public void Reference_Lists_Every_Spec_Field_With_Its_Description_And_The_Cel_Messages()
    {
        var markdown = ReferenceDocs.Markdown();

        Assert.Contains("| `spec.binary` (required) | string |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `spec.deploy.containerPort` | integer | `3000` | 1..65535 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `spec.verify.denyPackages` | []string |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `spec.source.configMap.items[].path` (required) |", markdown, StringComparison.Ordinal);
        Assert.Contains("exactly one of source.git or source.configMap must be set", markdown, StringComparison.Ordinal);
        Assert.Contains("| `status.conditions` |", markdown, StringComparison.Ordinal);
    }
}
