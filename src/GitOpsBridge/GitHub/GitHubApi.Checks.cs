using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsBridge.GitHub;

/// <summary>Check runs of the bridge, such as the config check on pull requests.</summary>
public sealed partial class GitHubApi
{
    /// <summary>GitHub takes at most this many annotations per request.</summary>
    public const int MaxAnnotations = 50;

    /// <inheritdoc />
    public async Task<long> CreateCheckRunAsync(long installationId, CheckRunSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Annotations.Count > MaxAnnotations)
        {
            throw new ArgumentException($"GitHub takes at most {MaxAnnotations} annotations per request, not {spec.Annotations.Count}", nameof(spec));
        }

        // https://docs.github.com/en/rest/checks/runs#create-a-check-run. The annotations serialize
        // to GitHub's objects by their own attributes, so the body is written here, not by Octokit.
        var path = $"{RepositoryPath(spec.Repository)}/check-runs";
        var body = new JsonObject
        {
            ["name"] = spec.Name,
            ["head_sha"] = spec.HeadSha,
            ["status"] = "completed",
            ["conclusion"] = spec.Conclusion,
            ["output"] = new JsonObject
            {
                ["title"] = spec.Title,
                ["summary"] = spec.Summary,
                ["annotations"] = JsonSerializer.SerializeToNode(spec.Annotations),
            },
        }.ToJsonString();
        var response = await SendAsync(installationId, "POST", path, c => c.Post<CheckRunBody>(Relative(path), body, Json, JsonContent, NoParameters, ct), ct).ConfigureAwait(false);
        return response.Body.Id;
    }

    /// <summary>The part of <c>check-run</c> the bridge reads.</summary>
    private sealed class CheckRunBody
    {
        public long Id { get; private set; }
    }
}
