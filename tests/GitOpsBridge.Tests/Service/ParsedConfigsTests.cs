using GitOpsBridge.Work;

namespace GitOpsBridge.Tests.Service;

/// <summary>The worker's cache of parsed repository configs: reused only while the text is the same.</summary>
public sealed class ParsedConfigsTests
{
    private const string Config = """
        version: 1
        images:
          web: { repository: ghcr.io/acme/web }
        environments:
          dev:
            files:
              - { path: dev.yaml, helm: { image: web, path: image.tag } }
        """;

    [Fact]
    public void Get_SameText_ReturnsTheSameParse()
    {
        var repository = "cache/" + Guid.NewGuid().ToString("N");

        var first = ParsedConfigs.Get(repository, Config);
        var second = ParsedConfigs.Get(repository, string.Concat(Config.AsSpan(0, 10), Config.AsSpan(10)));

        Assert.NotNull(first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Get_ChangedText_ParsesTheNewText()
    {
        var repository = "cache/" + Guid.NewGuid().ToString("N");
        var before = ParsedConfigs.Get(repository, Config);

        var after = ParsedConfigs.Get(repository, Config.Replace("dev:", "staging:", StringComparison.Ordinal));

        Assert.True(before!.Environments.ContainsKey("dev"));
        Assert.True(after!.Environments.ContainsKey("staging"));
        Assert.False(after.Environments.ContainsKey("dev"));
    }

    [Fact]
    public void Get_InvalidOrMissingConfig_IsNullEvenAfterAValidOne()
    {
        var repository = "cache/" + Guid.NewGuid().ToString("N");
        ParsedConfigs.Get(repository, Config);

        Assert.Null(ParsedConfigs.Get(repository, "version: 2\n"));
        Assert.Null(ParsedConfigs.Get(repository, null));
    }
}
