namespace GitOpsBridge.Tests.Cli;

public sealed class ValidateCommandTests
{
    [Fact]
    public void Validate_ValidConfig_ExitsZeroSilently()
    {
        using var repo = new TempRepository();
        repo.Write(".github/gitops-bridge.yml", "version: 1\nimages:\n  api: { repository: ghcr.io/acme/api }\nenvironments:\n  dev:\n    files: [ { path: values.yaml, helm: { image: api, path: image } } ]\n");
        repo.Write("values.yaml", "image: {repository: ghcr.io/acme/api, tag: 1.0.0}\n");

        var (exit, stdout, stderr) = CliRunner.Run("validate", "--repo", repo.Root);

        Assert.Equal(0, exit);
        Assert.Empty(stdout);
        Assert.Empty(stderr);
    }

    [Fact]
    public void Validate_Errors_PrintFileLineColumnMessage()
    {
        using var repo = new TempRepository();
        repo.Write(".github/gitops-bridge.yml", "version: 1\nimages:\n  api: { repository: ghcr.io/acme/api, digest: pinned }\nenvironments:\n  dev:\n    brnach: main\n    files: []\n");

        var (exit, _, stderr) = CliRunner.Run("validate", "--repo", repo.Root);

        Assert.Equal(1, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.Matches(@"^\.github/gitops-bridge\.yml:\d+:\d+: .+", l));
        Assert.Contains(lines, l => l.StartsWith(".github/gitops-bridge.yml:3:", StringComparison.Ordinal) && l.Contains("pinned", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(".github/gitops-bridge.yml:6:5:", StringComparison.Ordinal) && l.Contains("brnach", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TargetFileMissing_IsAnErrorAtTheTarget()
    {
        using var repo = new TempRepository();
        repo.Write(".github/gitops-bridge.yml", "version: 1\nimages:\n  api: { repository: ghcr.io/acme/api }\nenvironments:\n  dev:\n    files:\n      - path: nope.yaml\n        helm: { image: api, path: image }\n");

        var (exit, _, stderr) = CliRunner.Run("validate", "--repo", repo.Root);

        Assert.Equal(1, exit);
        Assert.Matches(@"^\.github/gitops-bridge\.yml:7:\d+: .*nope\.yaml does not exist", stderr);
    }

    [Fact]
    public void Validate_PathEscapingTheRepository_IsAnError()
    {
        using var repo = new TempRepository();
        repo.Write(".github/gitops-bridge.yml", "version: 1\nimages:\n  api: { repository: ghcr.io/acme/api }\nenvironments:\n  dev:\n    files:\n      - path: ../../etc/passwd\n        helm: { image: api, path: image }\n");

        var (exit, _, stderr) = CliRunner.Run("validate", "--repo", repo.Root);

        Assert.Equal(1, exit);
        Assert.Contains(":7:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoConfig_ExitsOne()
    {
        using var repo = new TempRepository();

        var (exit, _, stderr) = CliRunner.Run("validate", "--repo", repo.Root);

        Assert.Equal(1, exit);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
    }
}
