using GitOpsBridge.Core.Config;

namespace GitOpsBridge.Core.Tests.Config;

/// <summary><c>environments.&lt;env&gt;.pin</c>: bound as alias → version, and checked against the environment's images and their policies.</summary>
public sealed class PinConfigTests
{
    private const string Header = """
        version: 1
        images:
          api:
            repository: ghcr.io/acme/api
            policy: { semver: "^1.0.0" }
          web:
            repository: ghcr.io/acme/web
        environments:
          prod:
            files:
              - { path: api.yaml, helm: { image: api, path: image } }

        """;

    [Fact]
    public void Parse_Pin_BindsAliasToVersion()
    {
        var env = ConfigParser.Parse(Header + "    pin: { api: 1.2.3 }\n").Environments["prod"];

        Assert.Equal(new Dictionary<string, string> { ["api"] = "1.2.3" }, env.Pins);
    }

    [Fact]
    public void Parse_NoPin_HasNoPins()
    {
        Assert.Empty(ConfigParser.Parse(Header).Environments["prod"].Pins);
    }

    [Fact]
    public void Validate_PinOfUnknownImage_IsReportedAtTheKeyWithASuggestion()
    {
        ConfigAssert.SingleErrorAt(Header + "    pin: { apj: 1.2.3 }\n", 12, "apj", "environments.prod.pin.apj: unknown image \"apj\" (did you mean \"api\"?)");
    }

    [Fact]
    public void Validate_PinOfAnImageTheEnvironmentDoesNotDeploy_IsReported()
    {
        ConfigAssert.SingleErrorAt(Header + "    pin:\n      web: 2.0.0\n", 13, "web", "environments.prod does not deploy image \"web\"; its files deploy api");
    }

    [Fact]
    public void Validate_PinTheImagesPolicyRefuses_IsReportedAtTheVersion()
    {
        ConfigAssert.SingleErrorAt(Header + "    pin: { api: 2.0.0 }\n", 12, "2.0.0", "the policy of images.api", "does not allow \"2.0.0\"");
    }

    [Fact]
    public void Validate_PinThatIsNotATag_IsReportedAtTheVersion()
    {
        ConfigAssert.SingleErrorAt(Header + "    pin: { api: \"-1\" }\n", 12, "\"-1\"", "is not a version (an image tag)");
    }

    [Fact]
    public void Validate_PinLowerThanAnyCurrentVersion_IsValid()
    {
        // A pin is a deliberate rollback: the config cannot know the deployed version, and need not.
        ConfigAssert.Valid(Header + "    pin: { api: 1.0.0 }\n");
    }
}
