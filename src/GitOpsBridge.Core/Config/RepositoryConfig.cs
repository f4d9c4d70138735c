namespace GitOpsBridge.Core.Config;

/// <summary>
/// The parsed <c>.github/gitops-bridge.yml</c> of one GitOps repository (schema version 1).
/// Produced by <see cref="ConfigParser.Parse"/>; every instance has passed validation.
/// </summary>
/// <param name="Version">The schema version; always 1.</param>
/// <param name="Discover">Whether references to tracked images found anywhere in the repository are bumped too.</param>
/// <param name="Images">Tracked images by alias, in file order.</param>
/// <param name="Environments">Environments by name, in file order.</param>
public sealed record RepositoryConfig(
    int Version,
    bool Discover,
    IReadOnlyDictionary<string, ImageConfig> Images,
    IReadOnlyDictionary<string, EnvironmentConfig> Environments)
{
    /// <summary>Where the file lives in the repository.</summary>
    public const string FilePath = ".github/gitops-bridge.yml";

    /// <summary>The only schema version this build understands.</summary>
    public const int CurrentVersion = 1;
}
