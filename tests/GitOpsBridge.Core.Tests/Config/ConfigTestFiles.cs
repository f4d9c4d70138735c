namespace GitOpsBridge.Core.Tests.Config;

/// <summary>The example configurations under Config/Examples, copied next to the test assembly.</summary>
internal static class ConfigTestFiles
{
    public static string ExamplesDirectory => Path.Combine(AppContext.BaseDirectory, "Config", "Examples");

    public static string Example(string name) => File.ReadAllText(Path.Combine(ExamplesDirectory, name));

    public static TheoryData<string> ExampleNames()
    {
        var names = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(ExamplesDirectory, "*.yml").Order(StringComparer.Ordinal))
        {
            names.Add(Path.GetFileName(file));
        }

        return names;
    }
}
