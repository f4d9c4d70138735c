namespace GitOpsBridge.Core.Config;

/// <summary>Collects the errors of one validation run so every problem is reported, not just the first.</summary>
internal sealed class ConfigErrorList(string file)
{
    private readonly List<ConfigError> errors = [];

    public bool HasErrors => errors.Count > 0;

    public void Add(SourcePosition position, string message) =>
        errors.Add(new ConfigError(file, position.Line, position.Column, message));

    /// <summary>The errors in file order; errors at the same place keep the order they were found in.</summary>
    public IReadOnlyList<ConfigError> ToSortedList() =>
        [.. errors.Distinct().OrderBy(error => error.Line).ThenBy(error => error.Column)];
}
