namespace GitOpsBridge.Tests.Service;

/// <summary><c>gitops-bridge serve</c> refuses settings it cannot start with, and names the key to set.</summary>
public sealed class ServeStartupTests
{
    private static readonly string[] Credentials = ["--GitHub:AppId=42", "--GitHub:PrivateKey=not-read-before-the-check", "--GitHub:WebhookSecret=s"];

    [Theory]
    [InlineData(new[] { "--GitHub:WebhookSecret=s" }, "GitHub:AppId, GitHub:PrivateKey or GitHub:PrivateKeyPath")]
    [InlineData(new[] { "--GitHub:AppId=not-a-number", "--GitHub:WebhookSecret=s" }, "GitHub:AppId, GitHub:PrivateKey or GitHub:PrivateKeyPath")]
    [InlineData(new[] { "--GitHub:AppId=42", "--GitHub:WebhookSecret=s" }, "GitHub:PrivateKey or GitHub:PrivateKeyPath")]
    // With none of the three, serve runs first-run setup instead (tests/GitOpsBridge.Tests/Setup).
    public async Task Serve_IncompleteCredentials_RefusesToStartNamingEachMissingKey(string[] settings, string missing)
    {
        var (exit, stderr) = await ServeAsync(["--urls", "http://127.0.0.1:0", .. settings]);

        Assert.Equal(1, exit);
        Assert.Contains($"set {missing} (", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PostgresWithoutConnectionString_RefusesToStartNamingTheKey()
    {
        var (exit, stderr) = await ServeAsync(["--urls", "http://127.0.0.1:0", .. Credentials, "--Storage:Provider=postgres"]);

        Assert.Equal(1, exit);
        Assert.Contains("Storage:Provider is postgres but Storage:ConnectionString is not set; set Storage:ConnectionString", stderr, StringComparison.Ordinal);
        Assert.Contains("Storage__ConnectionString", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_UnknownStorageProvider_RefusesToStartNamingTheChoices()
    {
        var (exit, stderr) = await ServeAsync(["--urls", "http://127.0.0.1:0", .. Credentials, "--Storage:Provider=mysql"]);

        Assert.Equal(1, exit);
        Assert.Contains("Storage:Provider 'mysql' is not a storage backend; set Storage:Provider to sqlite or postgres", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Runs <c>serve</c> in process. A service that starts instead of refusing is stopped after 30 s,
    /// so the test fails on its exit code rather than hanging the suite.
    /// </summary>
    private static async Task<(int Exit, string StdErr)> ServeAsync(string[] args)
    {
        using var stderr = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var exit = await GitOpsBridge.Hosting.ServiceHost.RunAsync(args, stderr, stop.Token);
        return (exit, stderr.ToString());
    }
}
