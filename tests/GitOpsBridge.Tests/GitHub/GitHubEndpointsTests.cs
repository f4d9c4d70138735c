using GitOpsBridge.GitHub;

namespace GitOpsBridge.Tests.GitHub;

public sealed class GitHubEndpointsTests
{
    [Theory]
    [InlineData("https://api.github.com", "https://api.github.com/", "https://api.github.com/graphql", "https://github.com/")]
    [InlineData("https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql", "https://ghe.example.com/")]
    [InlineData("https://api.acme.ghe.com/", "https://api.acme.ghe.com/", "https://api.acme.ghe.com/graphql", "https://acme.ghe.com/")]
    [InlineData("http://127.0.0.1:5123", "http://127.0.0.1:5123/", "http://127.0.0.1:5123/api/graphql", "http://127.0.0.1:5123/")]
    public void From_DerivesGraphQLWebAndGit(string apiUrl, string api, string graphQL, string web)
    {
        var endpoints = GitHubEndpoints.From(new GitHubOptions { ApiUrl = apiUrl });

        Assert.Equal(new Uri(api), endpoints.Api);
        Assert.Equal(new Uri(graphQL), endpoints.GraphQL);
        Assert.Equal(new Uri(web), endpoints.Web);
        Assert.Equal(endpoints.Web, endpoints.Git);
    }

    [Fact]
    public void From_ExplicitUrls_Win()
    {
        var endpoints = GitHubEndpoints.From(new GitHubOptions
        {
            ApiUrl = "https://ghe.example.com/api/v3",
            GraphQLUrl = "https://graphql.example.com/q",
            WebUrl = "https://web.example.com",
            GitUrl = "https://git.example.com/mirror",
        });

        Assert.Equal(new Uri("https://graphql.example.com/q"), endpoints.GraphQL);
        Assert.Equal(new Uri("https://web.example.com/"), endpoints.Web);
        Assert.Equal(new Uri("https://git.example.com/mirror/"), endpoints.Git);
    }

    [Theory]
    [InlineData("api.github.com")]
    [InlineData("ftp://api.github.com")]
    public void From_NotAnHttpUrl_NamesTheSetting(string apiUrl)
    {
        var error = Assert.Throws<GitHubConfigurationException>(() => GitHubEndpoints.From(new GitHubOptions { ApiUrl = apiUrl }));

        Assert.StartsWith("GitHub:ApiUrl must be an absolute http or https URL", error.Message, StringComparison.Ordinal);
    }
}
