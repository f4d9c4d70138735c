namespace GitOpsBridge.Core.Config;

/// <summary>Thrown by <see cref="ConfigParser.Parse"/> when the file is invalid; lists every error found.</summary>
/// <param name="errors">The errors, in file order; never empty.</param>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors) : Exception(Describe(errors))
{
    /// <summary>Every error found, in file order.</summary>
    public IReadOnlyList<ConfigError> Errors { get; } = errors;

    private static string Describe(IReadOnlyList<ConfigError> errors) => errors.Count switch
    {
        0 => "The configuration is invalid.",
        1 => errors[0].ToString(),
        _ => $"{errors.Count} configuration errors:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}",
    };
}
