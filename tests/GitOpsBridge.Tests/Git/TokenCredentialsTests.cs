using GitOpsBridge.Git;
using LibGit2Sharp;

namespace GitOpsBridge.Tests.Git;

public sealed class TokenCredentialsTests
{
    [Fact]
    public void Provide_FirstCall_GivesTheTokenAsXAccessToken()
    {
        var credentials = new TokenCredentials("ghs_token");

        var given = Assert.IsType<UsernamePasswordCredentials>(credentials.Provide("http://127.0.0.1/acme/gitops.git", "", SupportedCredentialTypes.UsernamePassword));

        Assert.Equal(("x-access-token", "ghs_token"), (given.Username, given.Password));
        Assert.False(credentials.Refused);
    }

    [Fact]
    public void Provide_SecondCall_MeansTheTokenWasRefused()
    {
        var credentials = new TokenCredentials("ghs_token");
        credentials.Provide("http://127.0.0.1/acme/gitops.git", "", SupportedCredentialTypes.UsernamePassword);

        var error = Assert.Throws<GitAuthenticationException>(() => credentials.Provide("http://127.0.0.1/acme/gitops.git", "", SupportedCredentialTypes.UsernamePassword));

        Assert.True(credentials.Refused);
        Assert.Equal(2, credentials.Calls);
        Assert.DoesNotContain("ghs_token", error.Message, StringComparison.Ordinal);
    }
}
