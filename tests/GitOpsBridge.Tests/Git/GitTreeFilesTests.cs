using GitOpsBridge.Core.Planning;
using GitOpsBridge.Git;

namespace GitOpsBridge.Tests.Git;

/// <summary>The files of a fetched snapshot, read from the cached clone's objects (no checkout).</summary>
public sealed class GitTreeFilesTests(GitTreeFilesTests.Snapshot snapshot) : IClassFixture<GitTreeFilesTests.Snapshot>
{
    private readonly IRepositoryFiles _files = snapshot.Files;

    [Fact]
    public void YamlFiles_ListsRegularYamlFilesSorted_WithoutLinks() =>
        Assert.Equal(
            ["envs/binary/values.yaml", "envs/bom/values.yaml", "envs/dev/values.yaml", "envs/large/values.yml", "envs/latin1/values.yaml"],
            _files.YamlFiles);

    [Fact]
    public void Read_TextFile_ReturnsItsExactText() =>
        Assert.Equal(new RepositoryFile("envs/dev/values.yaml", "image:\n  tag: 1.4.0\n"), _files.Read("envs/dev/values.yaml"));

    [Fact]
    public void Read_FileWithBom_KeepsTheBomAsU_FEFF() =>
        Assert.Equal("\uFEFFimage:\n  tag: 1.4.0\r\n", _files.Read("envs/bom/values.yaml")?.Text);

    [Theory]
    [InlineData("envs/binary/values.yaml", "binary-file")]
    [InlineData("envs/latin1/values.yaml", "not-utf8")]
    [InlineData("envs/large/values.yml", "file-too-large")]
    [InlineData("envs", "not-a-file")]
    [InlineData("envs/link.yaml", ReasonCodes.PathEscapes)]
    [InlineData("envs/alias/values.yaml", ReasonCodes.PathEscapes)]
    [InlineData("../outside.yaml", ReasonCodes.PathEscapes)]
    [InlineData(".git/config", ReasonCodes.PathEscapes)]
    public void Read_FileThatCannotBeEdited_IsReportedNotRead(string path, string code)
    {
        var file = _files.Read(path);

        Assert.NotNull(file);
        Assert.Null(file.Text);
        Assert.Equal(code, file.ProblemCode);
        Assert.False(string.IsNullOrWhiteSpace(file.Problem));
    }

    [Fact]
    public void Read_Symlink_SaysItIsALink() =>
        Assert.Equal("envs/link.yaml is a symbolic link; the bridge does not follow links in git trees", _files.Read("envs/link.yaml")?.Problem);

    [Theory]
    [InlineData("envs/qa/values.yaml")]
    [InlineData("envs/dev/values.yaml/more")]
    [InlineData("missing.yaml")]
    public void Read_MissingPath_IsNull(string path) => Assert.Null(_files.Read(path));

    [Fact]
    public void Read_DotSegments_AreNormalized() =>
        Assert.Equal("image:\n  tag: 1.4.0\n", _files.Read("./envs//dev/values.yaml")?.Text);

    /// <summary>One fetched snapshot for the whole class: the files are only read.</summary>
    public sealed class Snapshot : IAsyncLifetime
    {
        private GitScenario? _scenario;

        public IRepositoryFiles Files { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _scenario = await GitScenario.StartAsync(seed =>
            {
                Write(seed, "envs/dev/values.yaml", "image:\n  tag: 1.4.0\n"u8);
                Write(seed, "envs/bom/values.yaml", [0xEF, 0xBB, 0xBF, .. "image:\n  tag: 1.4.0\r\n"u8]);
                Write(seed, "envs/binary/values.yaml", [0x61, 0x3A, 0x00, 0x31]);
                Write(seed, "envs/latin1/values.yaml", [0x61, 0x3A, 0x20, 0xE9, 0x0A]);
                Write(seed, "envs/large/values.yml", Enumerable.Repeat((byte)'a', RepositoryFile.MaxBytes + 1).ToArray());
                File.CreateSymbolicLink(Path.Combine(seed, "envs/link.yaml"), "/etc/passwd");
                Directory.CreateSymbolicLink(Path.Combine(seed, "envs/alias"), "dev");
            });
            Files = (await _scenario.Workspace.FetchAsync(GitScenario.Repository, "main", _scenario.Token)).Files;
        }

        public async Task DisposeAsync()
        {
            if (_scenario is not null)
            {
                await _scenario.DisposeAsync();
            }
        }

        private static void Write(string root, string path, ReadOnlySpan<byte> bytes)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes.ToArray());
        }
    }
}
