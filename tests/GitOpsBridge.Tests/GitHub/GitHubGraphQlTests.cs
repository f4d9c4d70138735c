using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using GitOpsBridge.Core.Config;
using GitOpsBridge.GitHub;
using GitOpsBridge.GitHubEmulator.GraphQl;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace GitOpsBridge.Tests.GitHub;

public sealed class GitHubGraphQlTests
{
    private const string Token = "ghs_graphqlTestToken0123456789abcdefghij";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string, string[]> Operations => new()
    {
        { GitHubGraphQl.EnablePullRequestAutoMergeMutation, "enablePullRequestAutoMerge", ["pullRequestId", "mergeMethod"] },
        { GitHubGraphQl.DisablePullRequestAutoMergeMutation, "disablePullRequestAutoMerge", ["pullRequestId"] },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Operation_AgainstGitHubSchema_IsValid(string document, string rootField, string[] variables)
    {
        var analysis = await GraphQlSchema.Instance.AnalyzeAsync(document).WaitAsync(Timeout);

        Assert.True(analysis.IsValid, string.Join(Environment.NewLine, analysis.Errors));
        var operation = Assert.Single(analysis.Operations);
        Assert.Equal("mutation", operation.Kind);
        var field = Assert.Single(operation.Fields);
        Assert.Equal(rootField, field.Name);
        var input = field.Arguments["input"]!.AsObject();
        Assert.Equal(variables, input.Select(argument => argument.Key));
        Assert.All(input, argument => Assert.Equal(argument.Key, (string?)argument.Value!["$variable"]));
    }

    [Fact]
    public async Task Validator_MisspeltField_Fails()
    {
        var misspelt = GitHubGraphQl.EnablePullRequestAutoMergeMutation.Replace("autoMergeRequest", "autoMergeRequst", StringComparison.Ordinal);

        var analysis = await GraphQlSchema.Instance.AnalyzeAsync(misspelt).WaitAsync(Timeout);

        var error = Assert.Single(analysis.Errors);
        Assert.Contains("Cannot query field \"autoMergeRequst\" on type \"PullRequest\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validator_WrongEnumValue_Fails()
    {
        var wrong = "mutation { enablePullRequestAutoMerge(input: {pullRequestId: \"PR_1\", mergeMethod: FAST_FORWARD}) { clientMutationId } }";

        var analysis = await GraphQlSchema.Instance.AnalyzeAsync(wrong).WaitAsync(Timeout);

        Assert.False(analysis.IsValid);
        Assert.Contains(analysis.Errors, error => error.Message.Contains("FAST_FORWARD", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(MergeMethod.Merge, "MERGE")]
    [InlineData(MergeMethod.Squash, "SQUASH")]
    [InlineData(MergeMethod.Rebase, "REBASE")]
    public async Task Enable_LoopbackServer_PostsDocumentVariablesAndToken(MergeMethod method, string expected)
    {
        await using var server = await GraphQlServer.StartAsync(
            "{\"data\":{\"enablePullRequestAutoMerge\":{\"pullRequest\":{\"id\":\"PR_kw1\",\"autoMergeRequest\":{\"mergeMethod\":\"" + expected + "\",\"enabledAt\":\"2026-11-27T10:00:00Z\"}}}}}");
        using var http = new HttpClient();
        var client = new GitHubGraphQl(http, server.Endpoint, _ => Task.FromResult(Token));

        var state = await client.EnablePullRequestAutoMergeAsync("PR_kw1", method, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(new PullRequestAutoMerge("PR_kw1", method, new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero)), state);
        Assert.True(state.Enabled);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/graphql", request.Path);
        Assert.Equal($"bearer {Token}", request.Authorization);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("gitops-bridge", request.UserAgent, StringComparison.Ordinal);
        var body = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(["query", "variables", "operationName"], body.Select(property => property.Key));
        Assert.Equal(GitHubGraphQl.EnablePullRequestAutoMergeMutation, (string?)body["query"]);
        Assert.Equal("EnablePullRequestAutoMerge", (string?)body["operationName"]);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["pullRequestId"] = "PR_kw1", ["mergeMethod"] = expected }, body["variables"]));
    }

    [Fact]
    public async Task Disable_LoopbackServer_ReturnsAutoMergeOff()
    {
        await using var server = await GraphQlServer.StartAsync("""{"data":{"disablePullRequestAutoMerge":{"pullRequest":{"id":"PR_kw1","autoMergeRequest":null}}}}""");
        using var http = new HttpClient();
        var client = new GitHubGraphQl(http, server.Endpoint, _ => Task.FromResult(Token));

        var state = await client.DisablePullRequestAutoMergeAsync("PR_kw1", CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(new PullRequestAutoMerge("PR_kw1", null, null), state);
        Assert.False(state.Enabled);
        var body = JsonNode.Parse(Assert.Single(server.Requests).Body)!.AsObject();
        Assert.Equal(GitHubGraphQl.DisablePullRequestAutoMergeMutation, (string?)body["query"]);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["pullRequestId"] = "PR_kw1" }, body["variables"]));
    }

    [Fact]
    public async Task Enable_ErrorsResponse_ThrowsWithMessagesAndTypesWithoutToken()
    {
        await using var server = await GraphQlServer.StartAsync("""
            {"data":{"enablePullRequestAutoMerge":null},"errors":[
              {"type":"UNPROCESSABLE","path":["enablePullRequestAutoMerge"],"locations":[{"line":2,"column":3}],"message":"Pull request Auto merge is not allowed for this repository"},
              {"type":"FORBIDDEN","path":["enablePullRequestAutoMerge"],"message":"Resource not accessible by integration"}]}
            """);
        using var http = new HttpClient();
        var client = new GitHubGraphQl(http, server.Endpoint, _ => Task.FromResult(Token));

        var exception = await Assert.ThrowsAsync<GitHubGraphQlException>(() => client.EnablePullRequestAutoMergeAsync("PR_kw1", MergeMethod.Squash, CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal(200, exception.StatusCode);
        Assert.Equal("EnablePullRequestAutoMerge", exception.Operation);
        Assert.Equal(2, exception.Errors.Count);
        Assert.Equal("Pull request Auto merge is not allowed for this repository", exception.Errors[0].Message);
        Assert.Equal("UNPROCESSABLE", exception.Errors[0].Type);
        Assert.Equal(["enablePullRequestAutoMerge"], exception.Errors[0].Path);
        Assert.True(exception.AutoMergeNotAllowed);
        Assert.False(exception.PullRequestIsClean);
        Assert.True(exception.HasType("FORBIDDEN"));
        Assert.Contains("UNPROCESSABLE: Pull request Auto merge is not allowed for this repository", exception.Message, StringComparison.Ordinal);
        Assert.Contains("FORBIDDEN: Resource not accessible by integration", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enable_CleanStatusError_IsRecognised()
    {
        await using var server = await GraphQlServer.StartAsync("""{"data":{"enablePullRequestAutoMerge":null},"errors":[{"type":"UNPROCESSABLE","path":["enablePullRequestAutoMerge"],"message":"Pull request Pull request is in clean status"}]}""");
        using var http = new HttpClient();
        var client = new GitHubGraphQl(http, server.Endpoint, _ => Task.FromResult(Token));

        var exception = await Assert.ThrowsAsync<GitHubGraphQlException>(() => client.EnablePullRequestAutoMergeAsync("PR_kw1", MergeMethod.Merge, CancellationToken.None).WaitAsync(Timeout));

        Assert.True(exception.PullRequestIsClean);
        Assert.False(exception.AutoMergeNotAllowed);
    }

    [Fact]
    public async Task Enable_Unauthorized_ThrowsWithStatusAndGitHubMessage()
    {
        await using var server = await GraphQlServer.StartAsync("""{"message":"Bad credentials","documentation_url":"https://docs.github.com/graphql"}""", HttpStatusCode.Unauthorized);
        using var http = new HttpClient();
        var client = new GitHubGraphQl(http, server.Endpoint, _ => Task.FromResult(Token));

        var exception = await Assert.ThrowsAsync<GitHubGraphQlException>(() => client.EnablePullRequestAutoMergeAsync("PR_kw1", MergeMethod.Merge, CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal(401, exception.StatusCode);
        Assert.False(exception.IsTransient);
        Assert.Contains("HTTP 401: Bad credentials", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enable_ServerErrorNotJson_ThrowsTransient()
    {
        await using var server = await GraphQlServer.StartAsync("<html>502 Bad Gateway</html>", HttpStatusCode.BadGateway);
        using var http = new HttpClient();
        var client = new GitHubGraphQl(http, server.Endpoint, _ => Task.FromResult(Token));

        var exception = await Assert.ThrowsAsync<GitHubGraphQlException>(() => client.EnablePullRequestAutoMergeAsync("PR_kw1", MergeMethod.Merge, CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal(502, exception.StatusCode);
        Assert.True(exception.IsTransient);
        Assert.Contains("502 Bad Gateway", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enable_NoDataNoErrors_Throws()
    {
        await using var server = await GraphQlServer.StartAsync("""{"data":null}""");
        using var http = new HttpClient();
        var client = new GitHubGraphQl(http, server.Endpoint, _ => Task.FromResult(Token));

        var exception = await Assert.ThrowsAsync<GitHubGraphQlException>(() => client.EnablePullRequestAutoMergeAsync("PR_kw1", MergeMethod.Merge, CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains("neither data nor errors", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enable_NothingListening_ThrowsTransientWithoutToken()
    {
        Uri endpoint;
        await using (var server = await GraphQlServer.StartAsync("{}"))
        {
            endpoint = server.Endpoint;
        }

        using var http = new HttpClient();
        var client = new GitHubGraphQl(http, endpoint, _ => Task.FromResult(Token));

        var exception = await Assert.ThrowsAsync<GitHubGraphQlException>(() => client.EnablePullRequestAutoMergeAsync("PR_kw1", MergeMethod.Merge, CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal(0, exception.StatusCode);
        Assert.True(exception.IsTransient);
        Assert.DoesNotContain(Token, exception.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A minimal Kestrel on 127.0.0.1 that records each request and answers with one canned response.</summary>
    private sealed class GraphQlServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private GraphQlServer(WebApplication app, Uri endpoint)
        {
            _app = app;
            Endpoint = endpoint;
        }

        public Uri Endpoint { get; }

        public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

        public static async Task<GraphQlServer> StartAsync(string response, HttpStatusCode status = HttpStatusCode.OK)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            GraphQlServer? server = null;
            app.Run(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync(context.RequestAborted);
                server!.Requests.Enqueue(new RecordedRequest(
                    context.Request.Method,
                    context.Request.Path.Value ?? string.Empty,
                    context.Request.Headers.Authorization.ToString(),
                    context.Request.ContentType ?? string.Empty,
                    context.Request.Headers.UserAgent.ToString(),
                    body));
                context.Response.StatusCode = (int)status;
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync(response, context.RequestAborted);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server = new GraphQlServer(app, new Uri(new Uri(address), "/graphql"));
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed record RecordedRequest(string Method, string Path, string Authorization, string ContentType, string UserAgent, string Body);
}
