namespace GitOpsBridge.Tests.Service;

/// <summary><c>gitops-bridge serve</c> refuses settings it cannot start with, and names the key to set.</summary>
public sealed class ServeStartupTests
{
    private static readonly string[] Credentials = ["--GitHub:AppId=42", "--GitHub:PrivateKey=not-read-before-the-check", "--GitHub:WebhookSecret=s"];

    [Theory]
    [InlineData(new string[0], "GitHub:AppId, GitHub:PrivateKey or GitHub:PrivateKeyPath, GitHub:WebhookSecret")]
    [InlineData(new[] { "--GitHub:AppId=42", "--GitHub:WebhookSecret=s" }, "GitHub:PrivateKey or GitHub:PrivateKeyPath")]
    public void Serve_IncompleteCredentials_RefusesToStartNamingEachMissingKey(string[] settings, string missing)
    {
        var (exit, _, stderr) = CliRunner.Run(["serve", "--urls", "http://127.0.0.1:0", .. settings]);

        Assert.Equal(1, exit);
        Assert.Contains($"set {missing} (", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_PostgresWithoutConnectionString_RefusesToStartNamingTheKey()
    {
        var (exit, _, stderr) = CliRunner.Run(["serve", "--urls", "http://127.0.0.1:0", .. Credentials, "--Storage:Provider=postgres"]);

        Assert.Equal(1, exit);
        Assert.Contains("Storage:Provider is postgres but Storage:ConnectionString is not set; set Storage:ConnectionString", stderr, StringComparison.Ordinal);
        Assert.Contains("Storage__ConnectionString", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_UnknownStorageProvider_RefusesToStartNamingTheChoices()
    {
        var (exit, _, stderr) = CliRunner.Run(["serve", "--urls", "http://127.0.0.1:0", .. Credentials, "--Storage:Provider=mysql"]);

        Assert.Equal(1, exit);
        Assert.Contains("Storage:Provider 'mysql' is not a storage backend; set Storage:Provider to sqlite or postgres", stderr, StringComparison.Ordinal);
    }
}
