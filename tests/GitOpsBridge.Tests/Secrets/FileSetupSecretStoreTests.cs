using GitOpsBridge.Secrets;

namespace GitOpsBridge.Tests.Secrets;

// File modes are a Unix idea; the service runs on Linux.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileSetupSecretStoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("setup-store-");

    private string FilePath => Path.Combine(_dir.FullName, "data", FileSetupSecretStore.FileName);

    [Fact]
    public async Task SaveAsync_NewFile_IsReadableByTheOwnerOnlyAndReadsBack()
    {
        var store = new FileSetupSecretStore(FilePath);

        await store.SaveAsync(new Dictionary<string, string> { [SecretKeys.AppId] = "12", [SecretKeys.WebhookSecret] = "s3" });

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        Assert.Equal("12", await store.GetAsync(SecretKeys.AppId));
        Assert.Equal("s3", await new FileSetupSecretStore(FilePath).GetAsync(SecretKeys.WebhookSecret));
        Assert.Null(await store.GetAsync(SecretKeys.PrivateKey));
    }

    [Fact]
    public async Task SaveAsync_OverAWorldReadableFile_ReplacesItWithAnOwnerOnlyOne()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        await File.WriteAllTextAsync(FilePath, """{"GitHub:AppId":"1"}""");
        File.SetUnixFileMode(FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var store = new FileSetupSecretStore(FilePath);

        await store.SaveAsync(new Dictionary<string, string> { [SecretKeys.WebhookSecret] = "w" });

        Assert.Equal(FileSetupSecretStore.Mode, File.GetUnixFileMode(FilePath));
        Assert.Equal("1", await store.GetAsync(SecretKeys.AppId));
        Assert.Equal("w", await store.GetAsync(SecretKeys.WebhookSecret));
        Assert.Equal([FileSetupSecretStore.FileName], Directory.GetFiles(Path.GetDirectoryName(FilePath)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task GetAsync_FileReplacedByAnOperator_ReadsTheNewValue()
    {
        var store = new FileSetupSecretStore(FilePath);
        await store.SaveAsync(new Dictionary<string, string> { [SecretKeys.WebhookSecret] = "old" });
        Assert.Equal("old", await store.GetAsync(SecretKeys.WebhookSecret));

        await File.WriteAllTextAsync(FilePath, """{"GitHub:WebhookSecret":"new"}""");
        File.SetLastWriteTimeUtc(FilePath, DateTime.UtcNow.AddSeconds(5));

        Assert.Equal("new", await store.GetAsync(SecretKeys.WebhookSecret));
    }

    [Fact]
    public async Task GetAsync_FileDeleted_NothingIsKnown()
    {
        var store = new FileSetupSecretStore(FilePath);
        await store.SaveAsync(new Dictionary<string, string> { [SecretKeys.AppId] = "5" });

        File.Delete(FilePath);

        Assert.Null(await store.GetAsync(SecretKeys.AppId));
    }

    [Fact]
    public async Task GetAsync_FileIsNotJson_ThrowsWithoutItsContent()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        await File.WriteAllTextAsync(FilePath, "-----BEGIN RSA PRIVATE KEY----- garbage");

        var error = await Assert.ThrowsAsync<SecretSourceException>(() => new FileSetupSecretStore(FilePath).GetAsync(SecretKeys.AppId).AsTask());

        Assert.Contains(FilePath, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("garbage", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
