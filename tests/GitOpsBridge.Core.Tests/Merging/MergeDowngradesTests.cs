using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Merging;
using GitOpsBridge.Core.Tests.Support;

namespace GitOpsBridge.Core.Tests.Merging;

public sealed class MergeDowngradesTests
{
    private const string Config = """
        version: 1
        images:
          api:
            repository: ghcr.io/acme/api
        environments:
          dev:
            files:
              - { path: envs/dev/values.yaml, helm: { image: api, path: image } }
        """;

    private static readonly MemoryFiles Base = new(("envs/dev/values.yaml", "image:\n  repository: ghcr.io/acme/api\n  tag: 1.5.0\n"));

    private static IReadOnlyList<string> Find(string tag, bool pinned)
    {
        var config = ConfigParser.Parse(Config);
        return MergeDowngrades.Find([new ProposedVersion(ImageReference.Parse("ghcr.io/acme/api:" + tag), pinned)], config, config.Environments["dev"], Base);
    }

    [Fact]
    public void Find_HigherVersion_None() => Assert.Empty(Find("1.6.0", pinned: false));

    [Fact]
    public void Find_LowerVersion_NamesTheImageAndFile()
    {
        var found = Assert.Single(Find("1.4.0", pinned: false));

        Assert.Contains("ghcr.io/acme/api:1.4.0", found, StringComparison.Ordinal);
        Assert.Contains("envs/dev/values.yaml", found, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_LowerVersionPinned_None() => Assert.Empty(Find("1.4.0", pinned: true));

    [Fact]
    public void Find_SameVersion_None() => Assert.Empty(Find("1.5.0", pinned: false));
}
