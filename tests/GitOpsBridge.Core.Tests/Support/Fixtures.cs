namespace GitOpsBridge.Core.Tests.Support;

/// <summary>The real files in ../shared/fixtures, which nobody on this project wrote.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> RootDir = new(FindRoot);

    public static string Root => RootDir.Value;

    public static string Yaml(string localFile) => File.ReadAllText(Path.Combine(Root, "yaml", localFile));

    /// <summary>Reads bytes as strict UTF-8 keeping a BOM, as the host does.</summary>
    public static string YamlExact(string localFile) =>
        new System.Text.UTF8Encoding(false, true).GetString(File.ReadAllBytes(Path.Combine(Root, "yaml", localFile)));

    public static IReadOnlyList<ManifestRow> ManifestRows() => File.ReadAllLines(Path.Combine(Root, "yaml", "MANIFEST.tsv"))
        .Skip(1)
        .Where(l => l.Length > 0)
        .Select((l, i) => ManifestRow.Parse(l, i + 2))
        .ToList();

    /// <summary>The folder with the solution: the repository root.</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GitOpsBridge.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("GitOpsBridge.sln not found above " + AppContext.BaseDirectory);
    }

    private static string FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("GITOPS_BRIDGE_FIXTURES");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "fixtures"));
        return Directory.Exists(candidate)
            ? candidate
            : throw new InvalidOperationException($"fixtures not found at {candidate}; set GITOPS_BRIDGE_FIXTURES");
    }
}

/// <summary>A row of yaml/MANIFEST.tsv: one image reference in one fixture.</summary>
internal sealed record ManifestRow(int Number, string LocalFile, string RepoPath, string Kind, string Image, string TagYamlPath, int? Line, string CurrentValue, string ScalarStyle, string Notes)
{
    public static ManifestRow Parse(string line, int number)
    {
        var c = line.Split('\t');
        return new ManifestRow(number, c[0], c[2], c[5], c[6], c[7], int.TryParse(c[8], out var l) ? l : null, c[9], c[10], c[11]);
    }

    public override string ToString() => $"row {Number}: {LocalFile} {TagYamlPath}";
}
