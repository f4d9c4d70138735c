using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Tests.Config;

public sealed class RepositoryPathsTests
{
    [Theory]
    [InlineData("envs/dev/values.yaml", "envs/dev/values.yaml")]
    [InlineData("./envs/dev/values.yaml", "envs/dev/values.yaml")]
    [InlineData("envs//dev///values.yaml", "envs/dev/values.yaml")]
    [InlineData("envs/./dev/values.yaml", "envs/dev/values.yaml")]
    [InlineData("values.yaml", "values.yaml")]
    [InlineData(".argocd-source-api.yaml", ".argocd-source-api.yaml")]
    [InlineData(".github/workflows/x.yml", ".github/workflows/x.yml")]
    [InlineData("a..b/c...yaml", "a..b/c...yaml")]
    [InlineData(".gitignore", ".gitignore")]
    [InlineData("git/.gitkeep", "git/.gitkeep")]
    [InlineData("envs/dév/values.yaml", "envs/dév/values.yaml")]
    [InlineData("ab:c.yaml", "ab:c.yaml")]
    public void TryNormalize_PathInsideRepository_ReturnsNormalizedPath(string path, string expected)
    {
        var ok = RepositoryPaths.TryNormalize(path, out var normalized, out var error);

        Assert.True(ok, error);
        Assert.Equal(expected, normalized);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("/etc/passwd", "is absolute")]
    [InlineData("/", "is absolute")]
    [InlineData("C:\\x.yaml", "is absolute")]
    [InlineData("c:/x.yaml", "is absolute")]
    [InlineData("c:x.yaml", "names a drive")]
    [InlineData("\\\\server\\share\\x.yaml", "is absolute")]
    [InlineData("\\x.yaml", "is absolute")]
    [InlineData("envs\\dev.yaml", "contains a backslash")]
    [InlineData("..", "contains a '..' segment")]
    [InlineData("../x.yaml", "contains a '..' segment")]
    [InlineData("envs/../../x.yaml", "contains a '..' segment")]
    [InlineData("envs/..", "contains a '..' segment")]
    [InlineData(".git/config", "points into .git")]
    [InlineData(".git", "points into .git")]
    [InlineData(".GIT/hooks/pre-commit", "points into .git")]
    [InlineData("sub/.git/config", "points into .git")]
    [InlineData("./.git/config", "points into .git")]
    [InlineData("envs/", "ends with '/'")]
    [InlineData(".", "does not name a file")]
    [InlineData("./.", "does not name a file")]
    [InlineData("a\0b.yaml", "control character U+0000")]
    [InlineData("a\nb.yaml", "control character U+000A")]
    [InlineData("a\u007fb.yaml", "control character U+007F")]
    [InlineData("a\u0085b.yaml", "control character U+0085")]
    public void TryNormalize_PathOutsideRepository_IsRejected(string path, string reason)
    {
        var ok = RepositoryPaths.TryNormalize(path, out var normalized, out var error);

        Assert.False(ok);
        Assert.Equal(string.Empty, normalized);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryNormalize_Null_IsRejectedAsEmpty()
    {
        Assert.False(RepositoryPaths.TryNormalize(null!, out _, out var error));
        Assert.Equal("is empty", error);
    }
}
