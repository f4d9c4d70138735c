using GitOpsBridge.Secrets;
using Moq;

namespace GitOpsBridge.Tests.Secrets;

public sealed class CompositeSecretProviderTests
{
    private static ISecretProvider Source(string key, string? value)
    {
        var source = new Mock<ISecretProvider>(MockBehavior.Strict);
        source.Setup(s => s.GetAsync(key, It.IsAny<CancellationToken>())).ReturnsAsync(value);
        return source.Object;
    }

    [Fact]
    public async Task GetAsync_EarlierSourceHasIt_LaterSourcesAreNotAsked()
    {
        var never = new Mock<ISecretProvider>(MockBehavior.Strict);
        var provider = new CompositeSecretProvider([Source("k", "configured"), never.Object]);

        Assert.Equal("configured", await provider.GetAsync("k"));
    }

    [Fact]
    public async Task GetAsync_OnlyTheLastSourceHasIt_TheLastOneAnswers()
    {
        var provider = new CompositeSecretProvider([Source("k", null), Source("k", null), Source("k", "stored")]);

        Assert.Equal("stored", await provider.GetAsync("k"));
    }

    [Fact]
    public async Task GetAsync_NoSourceHasIt_Null()
    {
        var provider = new CompositeSecretProvider([Source("k", null), Source("k", null)]);

        Assert.Null(await provider.GetAsync("k"));
    }

    [Fact]
    public async Task ConfigurationSource_PrivateKeyPathOnly_ReadsTheFileOnEachCall()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "first pem");
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [SecretKeys.PrivateKeyPath] = file }).Build();
            var source = new ConfigurationSecretProvider(configuration);
            var first = await source.GetAsync(SecretKeys.PrivateKey);

            await File.WriteAllTextAsync(file, "second pem");

            Assert.Equal(("first pem", "second pem"), (first, await source.GetAsync(SecretKeys.PrivateKey)));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
