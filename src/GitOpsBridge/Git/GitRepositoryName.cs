using System.Text.RegularExpressions;

namespace GitOpsBridge.Git;

/// <summary>An <c>owner/name</c> checked to be safe as a URL path and as a folder name.</summary>
internal sealed partial record GitRepositoryName(string Owner, string Name)
{
    /// <summary>GitHub compares names without case, so one clone and one lock serve every spelling.</summary>
    public string Key => $"{Owner}/{Name}".ToLowerInvariant();

    public override string ToString() => $"{Owner}/{Name}";

    public static GitRepositoryName Parse(string repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var match = Pattern().Match(repository);
        if (!match.Success || match.Groups["name"].Value is "." or "..")
        {
            throw new ArgumentException($"'{repository}' is not a repository name of the form owner/name", nameof(repository));
        }

        return new GitRepositoryName(match.Groups["owner"].Value, match.Groups["name"].Value);
    }

    // Owners: letters, digits and '-'; names add '.' and '_' (https://docs.github.com/en/repositories/creating-and-managing-repositories/creating-a-new-repository).
    [GeneratedRegex(@"^(?<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/(?<name>[A-Za-z0-9._-]{1,100})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
