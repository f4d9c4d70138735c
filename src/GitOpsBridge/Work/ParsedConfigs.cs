using System.Collections.Concurrent;
using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Work;

/// <summary>
/// The last parse of each repository's config, reused while its text is unchanged: every delivery
/// that touches a repository reads its config, and parsing (YAML, then validation of every policy
/// and path) costs far more than comparing the stored text with the cached one.
/// </summary>
internal static class ParsedConfigs
{
    /// <summary>Repositories kept at most; past it the cache starts over rather than grow.</summary>
    private const int MaxRepositories = 4096;

    private static readonly ConcurrentDictionary<string, (string Yaml, RepositoryConfig? Config)> Cache = new(StringComparer.Ordinal);

    /// <summary>The repository's config, or <see langword="null"/> when it has none or it is invalid.</summary>
    /// <param name="repository">The repository, for the cache key.</param>
    /// <param name="yaml">Its stored config text.</param>
    /// <returns>The parsed config.</returns>
    public static RepositoryConfig? Get(string repository, string? yaml)
    {
        if (yaml is null)
        {
            return null;
        }

        if (Cache.TryGetValue(repository, out var cached) && string.Equals(cached.Yaml, yaml, StringComparison.Ordinal))
        {
            return cached.Config;
        }

        RepositoryConfig? config;
        try
        {
            config = ConfigParser.Parse(yaml);
        }
        catch (ConfigException)
        {
            config = null;
        }

        if (Cache.Count >= MaxRepositories)
        {
            Cache.Clear();
        }

        Cache[repository] = (yaml, config);
        return config;
    }
}
