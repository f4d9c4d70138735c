namespace GitOpsBridge.Core.Config;

/// <summary>
/// Checks <c>images.*.ci.tag</c> templates: tag characters (<c>[A-Za-z0-9_.-]</c>) and the placeholders
/// <c>{sha}</c>, <c>{sha:N}</c> (first N characters, 1 to 64), <c>{run}</c>, <c>{branch}</c> and <c>{tag}</c>.
/// </summary>
internal static class TagTemplate
{
    public const int MaxShaLength = 64;

    private const string Placeholders = "{sha}, {sha:N}, {run}, {branch} or {tag}";

    /// <summary>Returns what is wrong with the template, or <see langword="null"/> when it is valid.</summary>
    public static string? Check(string template)
    {
        if (template.Length == 0)
        {
            return "must not be empty";
        }

        for (var index = 0; index < template.Length; index++)
        {
            var character = template[index];
            if (character == '{')
            {
                var close = template.IndexOf('}', index);
                if (close < 0)
                {
                    return $"'{{' at character {index + 1} is never closed; placeholders are {Placeholders}";
                }

                var name = template[(index + 1)..close];
                if (CheckPlaceholder(name) is { } error)
                {
                    return error;
                }

                index = close;
            }
            else if (character == '}')
            {
                return $"'}}' at character {index + 1} closes no placeholder";
            }
            else if (!IsTagCharacter(character))
            {
                return $"character '{character}' at {index + 1} cannot appear in an image tag (allowed: letters, digits, '_', '.', '-')";
            }
            else if (index == 0 && character is '.' or '-')
            {
                return $"an image tag cannot start with '{character}'";
            }
        }

        return null;
    }

    /// <summary>
    /// Renders a checked template for one build. A branch name is made tag-safe: characters a tag
    /// cannot hold become '-' (<c>feature/x</c> → <c>feature-x</c>). The caller validates the result.
    /// </summary>
    public static string Render(string template, string sha, long run, string? branch, string? tag = null)
    {
        var result = new System.Text.StringBuilder();
        for (var index = 0; index < template.Length; index++)
        {
            if (template[index] != '{')
            {
                result.Append(template[index]);
                continue;
            }

            var close = template.IndexOf('}', index);
            var name = template[(index + 1)..close];
            result.Append(name switch
            {
                "sha" => sha,
                "run" => run.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "branch" => new string((branch ?? "").Select(c => IsTagCharacter(c) ? c : '-').ToArray()),
                "tag" => tag ?? "",
                _ => sha[..Math.Min(sha.Length, int.Parse(name[4..], System.Globalization.CultureInfo.InvariantCulture))],
            });
            index = close;
        }

        return result.ToString();
    }

    private static string? CheckPlaceholder(string name)
    {
        if (name is "sha" or "run" or "branch" or "tag")
        {
            return null;
        }

        if (name.StartsWith("sha:", StringComparison.Ordinal))
        {
            var digits = name[4..];
            return digits.Length is > 0 and <= 2 && digits.All(char.IsAsciiDigit) && int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= MaxShaLength
                ? null
                : $"{{{name}}}: N in {{sha:N}} must be a number from 1 to {MaxShaLength}";
        }

        return $"unknown placeholder {{{name}}}; expected {Placeholders}";
    }

    private static bool IsTagCharacter(char character) =>
        char.IsAsciiLetterOrDigit(character) || character is '_' or '.' or '-';
}
