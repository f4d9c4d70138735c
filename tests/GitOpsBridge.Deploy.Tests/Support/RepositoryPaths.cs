namespace GitOpsBridge.Deploy.Tests.Support;

/// <summary>Paths in the repository under test, found from the test assembly's location.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootDirectory = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GitOpsBridge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"GitOpsBridge.sln not found above {AppContext.BaseDirectory}");
    });

    public static string Root => RootDirectory.Value;

    public static string Manifests => Path.Combine(Root, "manifests");

    public static string Infra => Path.Combine(Root, "infra");

    /// <summary>Where scripts/install-npm-deps.sh puts the npm packages.</summary>
    public static string NodeModules => Path.Combine(Root, ".cache", "npm", "node_modules");

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);
}
