using GitOpsBridge.Core.Planning;
using GitOpsBridge.Repositories;

namespace GitOpsBridge.Tests.Repositories;

public sealed class DirectoryFilesTests
{
    [Fact]
    public void Read_SymlinkOutsideTheRepository_IsReportedNotRead()
    {
        using var outside = new TempRepository();
        using var repo = new TempRepository();
        var secret = outside.Write("values.yaml", "image: {repository: ghcr.io/acme/api, tag: 1.0.0}\n");
        File.CreateSymbolicLink(Path.Combine(repo.Root, "values.yaml"), secret);

        var file = new DirectoryFiles(repo.Root).Read("values.yaml");

        Assert.NotNull(file);
        Assert.Null(file.Text);
        Assert.Equal(ReasonCodes.PathEscapes, file.ProblemCode);
    }

    [Fact]
    public void Plan_SymlinkedTargetOutsideTheRepository_IsSkippedAndUntouched()
    {
        using var outside = new TempRepository();
        using var repo = new TempRepository();
        var secret = outside.Write("values.yaml", "image:\n  repository: ghcr.io/acme/api\n  tag: 1.0.0\n");
        File.CreateSymbolicLink(Path.Combine(repo.Root, "values.yaml"), secret);
        repo.Write(".github/gitops-bridge.yml", "version: 1\nimages:\n  api: { repository: ghcr.io/acme/api }\nenvironments:\n  dev:\n    files: [ { path: values.yaml, helm: { image: api, path: image } } ]\n");

        var (exit, _, stderr) = CliRunner.Run("apply", "--repo", repo.Root, "--image", "ghcr.io/acme/api:2.0.0");

        Assert.Equal(0, exit);
        Assert.Contains("skipped (path-escapes)", stderr, StringComparison.Ordinal);
        Assert.Contains("tag: 1.0.0", File.ReadAllText(secret), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SymlinkInsideTheRepository_IsRead()
    {
        using var repo = new TempRepository();
        repo.Write("real/values.yaml", "a: 1\n");
        Directory.CreateSymbolicLink(Path.Combine(repo.Root, "alias"), Path.Combine(repo.Root, "real"));

        Assert.Equal("a: 1\n", new DirectoryFiles(repo.Root).Read("alias/values.yaml")?.Text);
    }

    [Fact]
    public void Read_BinaryFile_IsReported()
    {
        using var repo = new TempRepository();
        File.WriteAllBytes(Path.Combine(repo.Root, "values.yaml"), [0x61, 0x3a, 0x00, 0x31]);

        Assert.Equal("binary-file", new DirectoryFiles(repo.Root).Read("values.yaml")?.ProblemCode);
    }

    [Fact]
    public void Read_NotUtf8_IsReported()
    {
        using var repo = new TempRepository();
        File.WriteAllBytes(Path.Combine(repo.Root, "values.yaml"), [0x61, 0x3a, 0x20, 0xff, 0xfe]);

        Assert.Equal("not-utf8", new DirectoryFiles(repo.Root).Read("values.yaml")?.ProblemCode);
    }

    [Fact]
    public void Read_FileOverFiveMegabytes_IsReported()
    {
        using var repo = new TempRepository();
        using (var stream = File.Create(Path.Combine(repo.Root, "values.yaml")))
        {
            stream.SetLength(RepositoryFile.MaxBytes + 1);
        }

        Assert.Equal("file-too-large", new DirectoryFiles(repo.Root).Read("values.yaml")?.ProblemCode);
    }

    [Fact]
    public void YamlFiles_SkipGitFolderAndFindDotFiles()
    {
        using var repo = new TempRepository(git: true);
        repo.Write("apps/.argocd-source-api.yaml", "a: 1\n");
        repo.Write("apps/values.yml", "a: 1\n");
        repo.Write("README.md", "x");

        var files = new DirectoryFiles(repo.Root).YamlFiles;

        Assert.Equal(["apps/.argocd-source-api.yaml", "apps/values.yml"], files);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Write_KeepsBomAndFileMode()
    {
        using var repo = new TempRepository();
        var path = repo.Write("values.yaml", "\uFEFFa: 1\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var files = new DirectoryFiles(repo.Root);

        files.Write("values.yaml", files.Read("values.yaml")!.Text!.Replace("1", "2", StringComparison.Ordinal));

        Assert.Equal([0xEF, 0xBB, 0xBF, (byte)'a'], File.ReadAllBytes(path)[..4]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.Empty(Directory.GetFiles(repo.Root, "*.tmp"));
    }
}
