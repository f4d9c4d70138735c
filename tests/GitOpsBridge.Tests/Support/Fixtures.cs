namespace GitOpsBridge.Tests.Support;

/// <summary>The real files in ../shared/fixtures.</summary>
internal static class Fixtures
{
    public static string Root { get; } = FindRoot();

    public static string YamlPath(string localFile) => Path.Combine(Root, "yaml", localFile);

    public static string Yaml(string localFile) => new System.Text.UTF8Encoding(false).GetString(File.ReadAllBytes(YamlPath(localFile)));

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GitOpsBridge.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("GitOpsBridge.sln not found");
    }

    private static string FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("GITOPS_BRIDGE_FIXTURES");
        return !string.IsNullOrEmpty(fromEnv) ? fromEnv : Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "fixtures"));
    }
}
