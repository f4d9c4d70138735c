namespace GitOpsBridge.Core.Config;

/// <summary>
/// Reads <c>.github/gitops-bridge.yml</c> (schema version 1). Pure: it takes the text, not a file.
/// Every problem is reported with its file, line and column; one call reports all of them.
/// </summary>
public static class ConfigParser
{
    /// <summary>Parses and validates the configuration.</summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="file">The name used in errors.</param>
    /// <returns>The validated configuration.</returns>
    /// <exception cref="ConfigException">The text is not a valid version 1 configuration; <see cref="ConfigException.Errors"/> lists every error.</exception>
    public static RepositoryConfig Parse(string yaml, string file = RepositoryConfig.FilePath)
    {
        var (config, errors) = Read(yaml, file);
        return errors.Count == 0 ? config : throw new ConfigException(errors);
    }

    /// <summary>Validates the configuration without throwing.</summary>
    /// <param name="yaml">The file's text.</param>
    /// <param name="file">The name used in errors.</param>
    /// <returns>Every error in file order; empty when the configuration is valid.</returns>
    public static IReadOnlyList<ConfigError> Validate(string yaml, string file = RepositoryConfig.FilePath) => Read(yaml, file).Errors;

    private static (RepositoryConfig Config, IReadOnlyList<ConfigError> Errors) Read(string yaml, string file)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(file);
        var errors = new ConfigErrorList(file);
        var root = YamlDocumentReader.Read(yaml, errors);
        var config = ConfigBinder.Bind(root, errors);
        return (config, errors.ToSortedList());
    }
}
