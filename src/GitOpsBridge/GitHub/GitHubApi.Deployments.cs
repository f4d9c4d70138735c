using System.Text.Json.Nodes;

namespace GitOpsBridge.GitHub;

/// <summary>Deployments the bridge records, and the commit comparisons promotion gates read.</summary>
public sealed partial class GitHubApi
{
    /// <inheritdoc />
    public async Task<long> CreateDeploymentAsync(long installationId, DeploymentSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);

        // https://docs.github.com/en/rest/deployments/deployments#create-a-deployment. auto_merge off:
        // the commit is already deployed, nothing is to be merged into it; no required contexts: its
        // checks ran before the image was built.
        var path = $"{RepositoryPath(spec.Repository)}/deployments";
        var body = new JsonObject
        {
            ["ref"] = spec.Ref,
            ["environment"] = spec.Environment,
            ["description"] = Truncate(spec.Description),
            ["auto_merge"] = false,
            ["required_contexts"] = new JsonArray(),
            ["transient_environment"] = false,
        }.ToJsonString();
        var created = await SendAsync(installationId, "POST", path, c => c.Post<IdBody>(Relative(path), body, Json, JsonContent, NoParameters, ct), ct).ConfigureAwait(false);

        // https://docs.github.com/en/rest/deployments/statuses#create-a-deployment-status
        var statuses = $"{path}/{created.Body.Id}/statuses";
        var status = new JsonObject
        {
            ["state"] = spec.State,
            ["description"] = Truncate(spec.Description),
            ["environment"] = spec.Environment,
        };
        if (spec.Url is not null)
        {
            status["environment_url"] = spec.Url;
            status["log_url"] = spec.Url;
        }

        var text = status.ToJsonString();
        await SendAsync(installationId, "POST", statuses, c => c.Post<IdBody>(Relative(statuses), text, Json, JsonContent, NoParameters, ct), ct).ConfigureAwait(false);
        return created.Body.Id;
    }

    /// <inheritdoc />
    public async Task<string?> CompareAsync(long installationId, string repository, string baseRef, string head, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseRef);
        ArgumentException.ThrowIfNullOrWhiteSpace(head);

        // https://docs.github.com/en/rest/commits/commits#compare-two-commits; one file per page at
        // most, since only the status is read.
        var path = $"{RepositoryPath(repository)}/compare/{Segments(baseRef)}...{Segments(head)}";
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["per_page"] = "1" };
        try
        {
            var response = await SendAsync(installationId, "GET", path, c => c.Get<CompareBody>(Relative(path), parameters, Json, ct), ct).ConfigureAwait(false);
            return response.Body.Status;
        }
        catch (GitHubApiException exception) when (exception.StatusCode == 404)
        {
            return null;
        }
    }

    /// <summary>GitHub keeps at most 140 characters of a deployment's description.</summary>
    private static string Truncate(string text) => text.Length <= 140 ? text : text[..139] + "…";

    /// <summary>The part of <c>deployment</c> and <c>deployment-status</c> the bridge reads.</summary>
    private sealed class IdBody
    {
        public long Id { get; private set; }
    }

    /// <summary>The part of <c>commit-comparison</c> the bridge reads.</summary>
    private sealed class CompareBody
    {
        public string? Status { get; private set; }
    }
}
