using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.Core.Config;

namespace GitOpsBridge.GitHub;

/// <summary>
/// A small typed client for GitHub's GraphQL API (Octokit.NET has none). It posts
/// <c>{query, variables, operationName}</c> to the GraphQL endpoint with an installation token and turns
/// a response's <c>errors</c> into <see cref="GitHubGraphQlException"/>. Each operation's document is one
/// constant, which the tests validate against GitHub's published schema.
/// https://docs.github.com/en/graphql/guides/forming-calls-with-graphql
/// </summary>
/// <param name="http">The HTTP client (its base address is not used).</param>
/// <param name="endpoint">The GraphQL endpoint, e.g. <c>https://api.github.com/graphql</c> (<see cref="GitHubEndpoints.GraphQL"/>).</param>
/// <param name="tokenSource">Returns an installation token for the repository being acted on.</param>
public sealed class GitHubGraphQl(HttpClient http, Uri endpoint, Func<CancellationToken, Task<string>> tokenSource)
{
    /// <summary>
    /// Turns on auto-merge with a merge method.
    /// https://docs.github.com/en/graphql/reference/mutations#enablepullrequestautomerge
    /// </summary>
    public const string EnablePullRequestAutoMergeMutation = """
        mutation EnablePullRequestAutoMerge($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
          enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod}) {
            pullRequest {
              id
              autoMergeRequest {
                mergeMethod
                enabledAt
              }
            }
          }
        }
        """;

    /// <summary>
    /// Turns auto-merge off.
    /// https://docs.github.com/en/graphql/reference/mutations#disablepullrequestautomerge
    /// </summary>
    public const string DisablePullRequestAutoMergeMutation = """
        mutation DisablePullRequestAutoMerge($pullRequestId: ID!) {
          disablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId}) {
            pullRequest {
              id
              autoMergeRequest {
                mergeMethod
                enabledAt
              }
            }
          }
        }
        """;

    private static readonly ProductInfoHeaderValue UserAgent = new("gitops-bridge", "1.0");

    /// <summary>Enables GitHub's auto-merge on a pull request.</summary>
    /// <param name="pullRequestNodeId">The pull request's <c>node_id</c> (from the REST API), not its number.</param>
    /// <param name="method">The merge method GitHub uses when the pull request becomes mergeable.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The pull request's auto-merge state after the call.</returns>
    /// <exception cref="GitHubGraphQlException">
    /// GitHub refused (see <see cref="GitHubGraphQlException.AutoMergeNotAllowed"/> and
    /// <see cref="GitHubGraphQlException.PullRequestIsClean"/>) or could not be reached.
    /// </exception>
    public async Task<PullRequestAutoMerge> EnablePullRequestAutoMergeAsync(string pullRequestNodeId, MergeMethod method, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pullRequestNodeId);
        var data = await SendAsync(
            "EnablePullRequestAutoMerge",
            EnablePullRequestAutoMergeMutation,
            new JsonObject { ["pullRequestId"] = pullRequestNodeId, ["mergeMethod"] = ToGraphQl(method) },
            cancellationToken).ConfigureAwait(false);
        return ReadAutoMerge("enablePullRequestAutoMerge", data);
    }

    /// <summary>Disables auto-merge on a pull request.</summary>
    /// <param name="pullRequestNodeId">The pull request's <c>node_id</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The pull request's auto-merge state after the call.</returns>
    /// <exception cref="GitHubGraphQlException">GitHub refused or could not be reached.</exception>
    public async Task<PullRequestAutoMerge> DisablePullRequestAutoMergeAsync(string pullRequestNodeId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pullRequestNodeId);
        var data = await SendAsync(
            "DisablePullRequestAutoMerge",
            DisablePullRequestAutoMergeMutation,
            new JsonObject { ["pullRequestId"] = pullRequestNodeId },
            cancellationToken).ConfigureAwait(false);
        return ReadAutoMerge("disablePullRequestAutoMerge", data);
    }

    /// <summary>Sends one operation and returns its <c>data</c>.</summary>
    /// <param name="operationName">The operation's name in <paramref name="document"/>.</param>
    /// <param name="document">The GraphQL document.</param>
    /// <param name="variables">The variables.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response's <c>data</c> object.</returns>
    /// <exception cref="GitHubGraphQlException">The response has errors, no data, or is not a GraphQL response; or no response came.</exception>
    public async Task<JsonObject> SendAsync(string operationName, string document, JsonObject variables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(variables);
        var token = await tokenSource(cancellationToken).ConfigureAwait(false);
        var body = new JsonObject { ["query"] = document, ["variables"] = variables, ["operationName"] = operationName };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("bearer", token);
        request.Headers.UserAgent.Add(UserAgent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new GitHubGraphQlException(operationName, 0, [], $"no response from {endpoint}: {exception.Message}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GitHubGraphQlException(operationName, 0, [], $"no response from {endpoint} in time", exception);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            JsonObject? json;
            try
            {
                json = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
                json = null;
            }

            var errors = json?["errors"] is JsonArray list ? ReadErrors(list) : [];
            if (!response.IsSuccessStatusCode)
            {
                throw new GitHubGraphQlException(operationName, status, errors, StringOf(json?["message"]) ?? Snippet(text))
                {
                    RetryAfter = response.Headers.RetryAfter?.Delta,
                };
            }

            if (json is null)
            {
                throw new GitHubGraphQlException(operationName, status, [], $"the answer is not a JSON object: {Snippet(text)}");
            }

            if (errors.Count > 0)
            {
                throw new GitHubGraphQlException(operationName, status, errors);
            }

            return json["data"] as JsonObject ?? throw new GitHubGraphQlException(operationName, status, [], "the answer has neither data nor errors");
        }
    }

    /// <summary>GitHub's <c>PullRequestMergeMethod</c> value for a merge method.</summary>
    internal static string ToGraphQl(MergeMethod method) => method switch
    {
        MergeMethod.Merge => "MERGE",
        MergeMethod.Squash => "SQUASH",
        MergeMethod.Rebase => "REBASE",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown merge method"),
    };

    private static PullRequestAutoMerge ReadAutoMerge(string field, JsonObject data)
    {
        if (data[field]?["pullRequest"] is not JsonObject pullRequest || StringOf(pullRequest["id"]) is not { } id)
        {
            throw new GitHubGraphQlException(field, 200, [], $"the answer has no {field}.pullRequest.id");
        }

        if (pullRequest["autoMergeRequest"] is not JsonObject request)
        {
            return new PullRequestAutoMerge(id, null, null);
        }

        MergeMethod? method = StringOf(request["mergeMethod"]) switch
        {
            "MERGE" => MergeMethod.Merge,
            "SQUASH" => MergeMethod.Squash,
            "REBASE" => MergeMethod.Rebase,
            var other => throw new GitHubGraphQlException(field, 200, [], $"unknown mergeMethod {Snippet(other ?? "null")}"),
        };
        DateTimeOffset? enabledAt = StringOf(request["enabledAt"]) is { } at
            && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : null;
        return new PullRequestAutoMerge(id, method, enabledAt);
    }

    private static List<GitHubGraphQlError> ReadErrors(JsonArray errors) =>
        [.. errors.OfType<JsonObject>().Select(error => new GitHubGraphQlError(
            StringOf(error["message"]) ?? "(no message)",
            StringOf(error["type"]),
            error["path"] is JsonArray path ? [.. path.Select(segment => segment?.ToString() ?? "null")] : []))];

    private static string? StringOf(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Snippet(string text) => text.Length <= 200 ? text : text[..200] + "…";
}

/// <summary>A pull request's auto-merge state, as GitHub reports it after a mutation.</summary>
/// <param name="PullRequestNodeId">The pull request's node id.</param>
/// <param name="MergeMethod">The merge method when auto-merge is on; null when it is off.</param>
/// <param name="EnabledAt">When auto-merge was turned on, if it is.</param>
public sealed record PullRequestAutoMerge(string PullRequestNodeId, MergeMethod? MergeMethod, DateTimeOffset? EnabledAt)
{
    /// <summary>True when auto-merge is on.</summary>
    public bool Enabled => MergeMethod is not null;
}
