namespace GitOpsBridge.GitHub;

/// <summary>The four GitHub roots, resolved from <see cref="GitHubOptions"/>; each ends with <c>/</c>.</summary>
/// <param name="Api">REST API root, e.g. <c>https://api.github.com/</c>.</param>
/// <param name="GraphQL">GraphQL endpoint, e.g. <c>https://api.github.com/graphql</c>.</param>
/// <param name="Web">Web root for links, e.g. <c>https://github.com/</c>.</param>
/// <param name="Git">Root for clone URLs (<c>{Git}{owner}/{name}.git</c>).</param>
public sealed record GitHubEndpoints(Uri Api, Uri GraphQL, Uri Web, Uri Git)
{
    private const string EnterpriseApiPath = "/api/v3/";

    /// <summary>
    /// Resolves the roots. Rules: an API host named <c>api.*</c> (github.com, GHE.com) has its web
    /// root on the host without <c>api.</c> and GraphQL at <c>{api}/graphql</c>; an API path ending in
    /// <c>/api/v3</c> (GitHub Enterprise Server) has both on that host, GraphQL at <c>/api/graphql</c>;
    /// any other API root (the emulator) is its own web root.
    /// https://docs.github.com/en/enterprise-server@latest/rest/quickstart
    /// </summary>
    /// <exception cref="GitHubConfigurationException">A URL is not an absolute http(s) URL.</exception>
    public static GitHubEndpoints From(GitHubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var api = Root(options.ApiUrl, "GitHub:ApiUrl");
        var authority = new Uri(api.GetLeftPart(UriPartial.Authority) + "/");
        Uri web, graphQL;
        if (api.Host.StartsWith("api.", StringComparison.OrdinalIgnoreCase) && api.AbsolutePath == "/")
        {
            web = new UriBuilder(api) { Host = api.Host["api.".Length..] }.Uri;
            graphQL = new Uri(api, "graphql");
        }
        else if (api.AbsolutePath.EndsWith(EnterpriseApiPath, StringComparison.OrdinalIgnoreCase))
        {
            var prefix = api.AbsolutePath[..^(EnterpriseApiPath.Length - 1)];
            web = new Uri(authority, prefix);
            graphQL = new Uri(web, "api/graphql");
        }
        else
        {
            web = api;
            graphQL = new Uri(authority, "api/graphql");
        }

        if (options.WebUrl is not null)
        {
            web = Root(options.WebUrl, "GitHub:WebUrl");
        }

        if (options.GraphQLUrl is not null)
        {
            graphQL = Absolute(options.GraphQLUrl, "GitHub:GraphQLUrl");
        }

        var git = options.GitUrl is null ? web : Root(options.GitUrl, "GitHub:GitUrl");
        return new GitHubEndpoints(api, graphQL, web, git);
    }

    private static Uri Root(string value, string key)
    {
        var uri = Absolute(value, key);
        return uri.AbsolutePath.EndsWith('/') ? uri : new UriBuilder(uri) { Path = uri.AbsolutePath + "/" }.Uri;
    }

    private static Uri Absolute(string value, string key)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new GitHubConfigurationException($"{key} must be an absolute http or https URL; got '{value}'.");
        }

        return uri;
    }
}
