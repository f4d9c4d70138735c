using GitOpsBridge.Git;

namespace GitOpsBridge.Tests.Git;

public sealed class PushRefusalTests
{
    [Theory]
    [InlineData("non-fast-forward", true)]
    [InlineData("fetch first", true)]
    [InlineData("failed to update ref", true)]
    [InlineData("cannot lock ref 'refs/heads/main': is at 1234 but expected 5678", true)]
    [InlineData("protected branch hook declined", false)]
    [InlineData("pre-receive hook declined", false)]
    [InlineData("deny updating a hidden ref", false)]
    public void Raced_ServerRefusal_TellsALostRaceFromARule(string rejection, bool raced) =>
        Assert.Equal(raced, GitWorkspace.Raced(rejection));
}
