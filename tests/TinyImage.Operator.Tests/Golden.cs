using TinyImage.Testing;
using Xunit;

namespace TinyImage.Operator.Tests;

/// <summary>
/// Golden files: the expected output of a pure builder, committed beside the tests. A difference fails the test;
/// run with <c>UPDATE_GOLDEN=1</c> to rewrite the files after an intended change (and review the diff).
/// </summary>
internal static class Golden
{
    public static bool Updating => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    /// <summary>Compares <paramref name="actual"/> with tests/TinyImage.Operator.Tests/<paramref name="relativePath"/>.</summary>
    public static void Check(string relativePath, string actual)
    {
        var path = RepoPaths.Repo(["tests", "TinyImage.Operator.Tests", .. relativePath.Split('/')]);
        if (Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), "golden file " + relativePath + " is missing: run the tests with UPDATE_GOLDEN=1 to create it");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual);
    }
}
