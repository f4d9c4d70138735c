using System.Net;
using System.Text;
using Octokit;

namespace GitOpsBridge.GitHubEmulator.Tests.Repositories;

public sealed class RepositoryApiTests
{
    [Fact]
    public async Task Get_WithOctokit_HasDefaultBranchAndCloneUrl()
    {
        await using var scenario = await Scenario.StartAsync();

        var repository = await scenario.Octokit().Repository.Get(Scenario.Owner, Scenario.Repo);

        Assert.Equal("main", repository.DefaultBranch);
        Assert.Equal(scenario.Repository.CloneUrl.ToString(), repository.CloneUrl);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Contents_WithOctokit_ReadsFileAtRefAndDirectory()
    {
        await using var scenario = await Scenario.StartAsync();
        await scenario.PushBranchAsync("feature", "2.0.0");
        var client = scenario.Octokit();

        var onMain = Assert.Single(await client.Repository.Content.GetAllContents(Scenario.Owner, Scenario.Repo, "envs/dev/values.yaml"));
        var onFeature = Assert.Single(await client.Repository.Content.GetAllContentsByRef(Scenario.Owner, Scenario.Repo, "envs/dev/values.yaml", "feature"));
        var directory = await client.Repository.Content.GetAllContents(Scenario.Owner, Scenario.Repo, "envs");
        var raw = await client.Repository.Content.GetRawContentByRef(Scenario.Owner, Scenario.Repo, "envs/prod/values.yaml", "main");

        Assert.Equal(Scenario.SeedFiles["envs/dev/values.yaml"], onMain.Content);
        Assert.Contains("tag: 2.0.0", onFeature.Content, StringComparison.Ordinal);
        Assert.Equal(["dev", "prod"], directory.Select(d => d.Name));
        Assert.All(directory, d => Assert.Equal(ContentType.Dir, d.Type.Value));
        Assert.Equal(Scenario.SeedFiles["envs/prod/values.yaml"], Encoding.UTF8.GetString(raw));
        await Assert.ThrowsAsync<NotFoundException>(() => client.Repository.Content.GetAllContents(Scenario.Owner, Scenario.Repo, "missing.yaml"));
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Refs_WithOctokit_GetAndDeleteBranch_ClosesItsPullRequest()
    {
        await using var scenario = await Scenario.StartAsync();
        var sha = await scenario.PushBranchAsync("gitops-bridge/dev");
        var client = scenario.Octokit();
        await client.PullRequest.Create(Scenario.Owner, Scenario.Repo, new NewPullRequest("t", "gitops-bridge/dev", "main"));

        // Octokit's Reference.Get calls GET git/refs/{ref}, which the description no longer
        // documents; the documented read is git/ref/{ref} (singular), reached through the connection.
        var reference = await client.Connection.Get<Reference>(new Uri("repos/acme/gitops/git/ref/heads/gitops-bridge/dev", UriKind.Relative), null);
        await client.Git.Reference.Delete(Scenario.Owner, Scenario.Repo, "heads/gitops-bridge/dev");

        Assert.Equal("refs/heads/gitops-bridge/dev", reference.Body.Ref);
        Assert.Equal(sha, reference.Body.Object.Sha);
        Assert.Null(await scenario.GitHub.GetBranchShaAsync(Scenario.Owner, Scenario.Repo, "gitops-bridge/dev"));
        Assert.Equal("closed", Assert.Single(scenario.GitHub.GetPullRequests(Scenario.Owner, Scenario.Repo)).State);
        await Assert.ThrowsAsync<NotFoundException>(() => client.Connection.Get<Reference>(new Uri("repos/acme/gitops/git/ref/heads/gitops-bridge/dev", UriKind.Relative), null));
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task Refs_OctokitReferenceGet_IsFlaggedAsUndocumented()
    {
        await using var scenario = await Scenario.StartAsync(new GitHubEmulatorOptions { ViolationMode = SpecViolationMode.Record });

        await Assert.ThrowsAnyAsync<ApiException>(() => scenario.Octokit().Git.Reference.Get(Scenario.Owner, Scenario.Repo, "heads/main"));

        var violation = Assert.Single(scenario.GitHub.SpecViolations);
        Assert.Equal(SpecViolationKind.UndocumentedOperation, violation.Kind);
        Assert.Equal("/repos/acme/gitops/git/refs/heads/main", violation.Path);
    }

    /// <summary>
    /// GitHub's description documents this 422 without a body, but GitHub sends its usual error body,
    /// whose message clients read ("does not exist" means already deleted); the validator allows it.
    /// </summary>
    [Fact]
    public async Task DeleteRef_BranchAlreadyGone_Is422WithGitHubsErrorBodyAndNoViolation()
    {
        await using var scenario = await Scenario.StartAsync();
        using var http = scenario.Http();

        using var gone = await http.DeleteAsync("repos/acme/gitops/git/refs/heads/no-such-branch");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, gone.StatusCode);
        Assert.Contains("Reference does not exist", await gone.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        scenario.GitHub.AssertNoSpecViolations();
    }

    [Fact]
    public async Task RestApi_ServedUnderRootAndApiV3_WithRateLimitHeaders()
    {
        await using var scenario = await Scenario.StartAsync();
        using var http = scenario.Http();

        using var root = await http.GetAsync("repos/acme/gitops");
        using var enterprise = await http.GetAsync("api/v3/repos/acme/gitops");
        using var missing = await http.GetAsync("repos/acme/nope");

        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal(HttpStatusCode.OK, enterprise.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        foreach (var response in new[] { root, enterprise, missing })
        {
            Assert.Equal("5000", response.Headers.GetValues("x-ratelimit-limit").Single());
            Assert.Equal("core", response.Headers.GetValues("x-ratelimit-resource").Single());
            Assert.True(long.Parse(response.Headers.GetValues("x-ratelimit-reset").Single(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        }

        Assert.Equal("4998", enterprise.Headers.GetValues("x-ratelimit-remaining").Single());
        Assert.Equal("2", enterprise.Headers.GetValues("x-ratelimit-used").Single());
        scenario.GitHub.AssertNoSpecViolations();
    }
}
