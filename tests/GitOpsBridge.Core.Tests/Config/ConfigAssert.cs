using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Tests.Config;

internal static class ConfigAssert
{
    /// <summary>Asserts the YAML has exactly one error, at the given place, whose message contains every fragment.</summary>
    public static ConfigError SingleError(string yaml, int line, int column, params string[] fragments)
    {
        var errors = ConfigParser.Validate(yaml);
        var error = Assert.Single(errors);
        AssertAt(error, line, column, fragments);
        return error;
    }

    /// <summary>Like <see cref="SingleError(string, int, int, string[])"/>, the column being where <paramref name="marker"/> first occurs on the line.</summary>
    public static ConfigError SingleErrorAt(string yaml, int line, string marker, params string[] fragments) =>
        SingleError(yaml, line, ColumnOf(yaml, line, marker), fragments);

    /// <summary>The 1-based column of the first <paramref name="marker"/> on a 1-based line.</summary>
    public static int ColumnOf(string yaml, int line, string marker)
    {
        var index = yaml.Split('\n')[line - 1].IndexOf(marker, StringComparison.Ordinal);
        Assert.True(index >= 0, $"{marker} is not on line {line}");
        return index + 1;
    }

    /// <summary>Asserts one of the errors is at the given place and contains every fragment.</summary>
    public static ConfigError HasError(IReadOnlyList<ConfigError> errors, int line, int column, params string[] fragments)
    {
        var match = errors.FirstOrDefault(error => error.Line == line && error.Column == column && fragments.All(fragment => error.Message.Contains(fragment, StringComparison.Ordinal)));
        Assert.True(match is not null, $"No error at {line}:{column} containing [{string.Join(" | ", fragments)}]. Errors:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        return match!;
    }

    public static void Valid(string yaml)
    {
        var errors = ConfigParser.Validate(yaml);
        Assert.True(errors.Count == 0, "Expected no errors, got:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    private static void AssertAt(ConfigError error, int line, int column, string[] fragments)
    {
        Assert.Equal(RepositoryConfig.FilePath, error.File);
        Assert.True(error.Line == line && error.Column == column, $"Expected the error at {line}:{column}, got {error}");
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        }
    }
}
