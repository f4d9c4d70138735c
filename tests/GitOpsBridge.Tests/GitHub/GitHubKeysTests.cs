using System.Security.Cryptography;
using GitOpsBridge.GitHub;

namespace GitOpsBridge.Tests.GitHub;

public sealed class GitHubKeysTests
{
    [Fact]
    public void LoadPrivateKey_Pkcs1AsGitHubHandsItOut_Loads()
    {
        using var key = GitHubKeys.LoadPrivateKey(new GitHubOptions { PrivateKey = TestAppKey.Pem });

        Assert.Equal(2048, key.KeySize);
    }

    [Fact]
    public void LoadPrivateKey_Pkcs8FromFile_Loads()
    {
        using var original = RSA.Create();
        original.ImportFromPem(TestAppKey.Pem);
        using var folder = new TempRepository();
        var path = folder.Write("app.pem", original.ExportPkcs8PrivateKeyPem());

        using var key = GitHubKeys.LoadPrivateKey(new GitHubOptions { PrivateKeyPath = path });

        Assert.Equal(original.ExportRSAPublicKeyPem(), key.ExportRSAPublicKeyPem());
    }

    [Fact]
    public void LoadPrivateKey_EscapedNewlinesFromAnEnvironmentVariable_Loads()
    {
        using var key = GitHubKeys.LoadPrivateKey(new GitHubOptions { PrivateKey = TestAppKey.Pem.Replace("\n", "\\n", StringComparison.Ordinal) });

        Assert.Equal(2048, key.KeySize);
    }

    [Fact]
    public void LoadPrivateKey_NothingSet_NamesBothKeys()
    {
        var error = Assert.Throws<GitHubConfigurationException>(() => GitHubKeys.LoadPrivateKey(new GitHubOptions()));

        Assert.Contains("GitHub:PrivateKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("GitHub:PrivateKeyPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPrivateKey_CorruptBody_FailsWithoutEchoingTheKey()
    {
        var body = TestAppKey.Pem.Split('\n')[3];
        var corrupt = TestAppKey.Pem.Replace(body, new string('A', body.Length), StringComparison.Ordinal);
        var secretLine = TestAppKey.Pem.Split('\n')[5];

        var error = Assert.Throws<GitHubConfigurationException>(() => GitHubKeys.LoadPrivateKey(new GitHubOptions { PrivateKey = corrupt }));

        Assert.Contains("GitHub:PrivateKey is not a valid RSA private key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secretLine, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPrivateKey_NotPem_SaysWhatWasExpected()
    {
        var error = Assert.Throws<GitHubConfigurationException>(() => GitHubKeys.LoadPrivateKey(new GitHubOptions { PrivateKey = "s3cr3t-not-a-key" }));

        Assert.Contains("BEGIN RSA PRIVATE KEY", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPrivateKey_PublicKey_IsRefused()
    {
        using var original = RSA.Create();
        original.ImportFromPem(TestAppKey.Pem);

        var error = Assert.Throws<GitHubConfigurationException>(() => GitHubKeys.LoadPrivateKey(new GitHubOptions { PrivateKey = original.ExportSubjectPublicKeyInfoPem() }));

        Assert.Contains("'PUBLIC KEY'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPrivateKey_MissingFile_NamesThePathSetting()
    {
        var error = Assert.Throws<GitHubConfigurationException>(() => GitHubKeys.LoadPrivateKey(new GitHubOptions { PrivateKeyPath = "/nonexistent/app.pem" }));

        Assert.StartsWith("GitHub:PrivateKeyPath ('/nonexistent/app.pem') cannot be read", error.Message, StringComparison.Ordinal);
    }
}
