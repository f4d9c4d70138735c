namespace GitOpsBridge.Core.Config;

/// <summary>
/// Keeps configured file paths inside the repository. Pure string checks: the host still refuses
/// symbolic links that lead outside the work tree.
/// </summary>
public static class RepositoryPaths
{
    /// <summary>
    /// Checks a repository-relative path and returns it normalized: forward slashes, no <c>.</c> or empty
    /// segments. Rejects empty paths, control characters (NUL included), backslashes, absolute paths
    /// (<c>/x</c>, <c>C:\x</c>, <c>C:/x</c>, <c>C:x</c>, <c>\\server</c>), <c>..</c> segments, <c>.git</c> segments
    /// (in any case) and paths that end in <c>/</c>.
    /// </summary>
    /// <param name="path">The path as written in the configuration.</param>
    /// <param name="normalized">The normalized path, or an empty string when the path is rejected.</param>
    /// <param name="error">Why the path is rejected (completes "the path …"), or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the path stays inside the repository.</returns>
    public static bool TryNormalize(string path, out string normalized, out string? error)
    {
        normalized = string.Empty;
        error = Check(path);
        if (error is not null)
        {
            return false;
        }

        var segments = path.Split('/').Where(segment => segment.Length > 0 && segment != ".").ToArray();
        if (segments.Length == 0)
        {
            error = "does not name a file";
            return false;
        }

        normalized = string.Join('/', segments);
        return true;
    }

    private static string? Check(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return "is empty";
        }

        foreach (var character in path)
        {
            if (char.IsControl(character))
            {
                return $"contains the control character U+{(int)character:X4}";
            }
        }

        if (path[0] is '/' or '\\')
        {
            return "is absolute; write it relative to the repository root";
        }

        if (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':')
        {
            return "is absolute or names a drive; write it relative to the repository root";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "contains a backslash; separate directories with '/'";
        }

        if (path.EndsWith('/'))
        {
            return "ends with '/'; it must name a file";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment == "..")
            {
                return "contains a '..' segment; it must stay inside the repository";
            }

            if (segment.Equals(".git", StringComparison.OrdinalIgnoreCase))
            {
                return "points into .git";
            }
        }

        return null;
    }
}
