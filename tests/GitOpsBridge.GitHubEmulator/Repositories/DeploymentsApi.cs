using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GitOpsBridge.GitHubEmulator.Repositories;

/// <summary>
/// Deployments and their statuses (repos/create-deployment, repos/list-deployments,
/// repos/create-deployment-status, repos/list-deployment-statuses). The emulator does not merge the
/// default branch into the ref (<c>auto_merge</c>, GitHub's default) and keeps no commit statuses
/// to check <c>required_contexts</c> against: a request asking for the auto-merge is refused with
/// 422 saying so, and required contexts are taken as passed.
/// </summary>
internal static class DeploymentsApi
{
    public static void MapDeploymentsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHub(GitHubRoutes.CreateDeployment, Authentication.InstallationToken,
            c => CreateAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo")));
        endpoints.MapGitHub(GitHubRoutes.ListDeployments, Authentication.InstallationToken,
            c => List(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo")));
        endpoints.MapGitHub(GitHubRoutes.CreateDeploymentStatus, Authentication.InstallationToken,
            c => CreateStatusAsync(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("deployment_id")));
        endpoints.MapGitHub(GitHubRoutes.ListDeploymentStatuses, Authentication.InstallationToken,
            c => ListStatuses(c, c.State(), c.Json(), c.Value("owner"), c.Value("repo"), c.Value("deployment_id")));
    }

    private const string CreateDocumentation = "https://docs.github.com/rest/deployments/deployments#create-a-deployment";
    private const string StatusDocumentation = "https://docs.github.com/rest/deployments/statuses#create-a-deployment-status";

    private static async Task<IResult> CreateAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo)
    {
        if (state.FindRepository(owner, repo) is not { } repository)
        {
            return GitHubResults.NotFound();
        }

        if (await ReadObjectAsync(context).ConfigureAwait(false) is not (true, var body))
        {
            return GitHubResults.ProblemsParsingJson();
        }

        var reference = body?["ref"]?.GetValue<string>() ?? "";
        var sha = await repository.ResolveCommitAsync(reference, context.RequestAborted).ConfigureAwait(false);
        if (sha is null)
        {
            return GitHubResults.Error(StatusCodes.Status422UnprocessableEntity, $"No ref found for: {reference}", CreateDocumentation);
        }

        if (body?["auto_merge"] is not JsonValue autoMerge || autoMerge.GetValue<bool>())
        {
            return GitHubResults.ValidationFailed(CreateDocumentation,
                GitHubResults.FieldError("Deployment", "custom", "auto_merge", "the emulator does not merge the default branch into the ref; send auto_merge: false"));
        }

        var environment = body["environment"]?.GetValue<string>() ?? "production";
        var now = state.Now;
        var deployment = new DeploymentRecord(
            state.NextId(), repository, sha, reference, body["task"]?.GetValue<string>() ?? "deploy", environment,
            body["description"]?.GetValue<string>() ?? "", body["payload"]?.DeepClone() ?? new JsonObject(),
            body["transient_environment"]?.GetValue<bool>() ?? false, body["production_environment"]?.GetValue<bool>() ?? environment == "production",
            state.BotLogin, now);
        lock (state.Sync)
        {
            state.Deployments.Add(deployment);
        }

        return GitHubResults.Json(Deployment(state, json, deployment), StatusCodes.Status201Created);
    }

    private static IResult List(HttpContext context, EmulatorState state, Representations json, string owner, string repo)
    {
        if (state.FindRepository(owner, repo) is not { } repository)
        {
            return GitHubResults.NotFound();
        }

        string? Filter(string name) => context.Request.Query.TryGetValue(name, out var value) && value.Count > 0 && value[0] is { Length: > 0 } text ? text : null;
        var (sha, reference, task, environment) = (Filter("sha"), Filter("ref"), Filter("task"), Filter("environment"));
        List<DeploymentRecord> deployments;
        lock (state.Sync)
        {
            deployments = [.. state.Deployments
                .Where(d => d.Repository == repository && (sha is null || d.Sha == sha) && (reference is null || d.Ref == reference)
                    && (task is null || d.Task == task) && (environment is null || d.Environment == environment))
                .OrderByDescending(d => d.Id)];
        }

        return GitHubResults.Json(new JsonArray([.. Pagination.Page(context, deployments).Select(d => (JsonNode)Deployment(state, json, d))]));
    }

    private static async Task<IResult> CreateStatusAsync(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string deploymentId)
    {
        if (state.FindRepository(owner, repo) is not { } repository || Find(state, repository, deploymentId) is not { } deployment)
        {
            return GitHubResults.NotFound();
        }

        if (await ReadObjectAsync(context).ConfigureAwait(false) is not (true, var body))
        {
            return GitHubResults.ProblemsParsingJson();
        }

        // The request schema (state's enum, the URLs) is checked by the spec validation.
        var stateName = body?["state"]?.GetValue<string>();
        if (stateName is null)
        {
            return GitHubResults.ValidationFailed(StatusDocumentation, GitHubResults.FieldError("DeploymentStatus", "missing_field", "state"));
        }

        var status = new DeploymentStatusRecord(
            state.NextId(), stateName, body!["description"]?.GetValue<string>() ?? "", body["environment"]?.GetValue<string>() ?? deployment.Environment,
            body["target_url"]?.GetValue<string>() ?? "", body["environment_url"]?.GetValue<string>() ?? "", body["log_url"]?.GetValue<string>() ?? body["target_url"]?.GetValue<string>() ?? "",
            state.BotLogin, state.Now);
        lock (state.Sync)
        {
            deployment.Statuses.Add(status);
        }

        return GitHubResults.Json(Status(state, json, deployment, status), StatusCodes.Status201Created);
    }

    private static IResult ListStatuses(HttpContext context, EmulatorState state, Representations json, string owner, string repo, string deploymentId)
    {
        if (state.FindRepository(owner, repo) is not { } repository || Find(state, repository, deploymentId) is not { } deployment)
        {
            return GitHubResults.NotFound();
        }

        List<DeploymentStatusRecord> statuses;
        lock (state.Sync)
        {
            statuses = [.. deployment.Statuses.OrderByDescending(s => s.Id)];
        }

        return GitHubResults.Json(new JsonArray([.. Pagination.Page(context, statuses).Select(s => (JsonNode)Status(state, json, deployment, s))]));
    }

    /// <summary>The request's JSON object (null when the body is empty); false when it is not JSON.</summary>
    private static async Task<(bool Parsed, JsonObject? Body)> ReadObjectAsync(HttpContext context)
    {
        try
        {
            return (true, await GitHubResults.ReadJsonAsync(context.Request, context.RequestAborted).ConfigureAwait(false) as JsonObject);
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }

    private static DeploymentRecord? Find(EmulatorState state, HostedRepository repository, string deploymentId)
    {
        if (!long.TryParse(deploymentId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        lock (state.Sync)
        {
            return state.Deployments.FirstOrDefault(d => d.Repository == repository && d.Id == id);
        }
    }

    /// <summary><c>deployment</c>.</summary>
    private static JsonObject Deployment(EmulatorState state, Representations json, DeploymentRecord deployment)
    {
        var repositoryUrl = $"{state.ApiRoot}/repos/{deployment.Repository.FullName}";
        var url = $"{repositoryUrl}/deployments/{deployment.Id}";
        return new JsonObject
        {
            ["url"] = url,
            ["id"] = deployment.Id,
            ["node_id"] = Representations.NodeId("DE_", deployment.Id),
            ["sha"] = deployment.Sha,
            ["ref"] = deployment.Ref,
            ["task"] = deployment.Task,
            ["payload"] = deployment.Payload.DeepClone(),
            ["original_environment"] = deployment.Environment,
            ["environment"] = deployment.Environment,
            ["description"] = deployment.Description,
            ["creator"] = json.User(state.Account(deployment.Creator, "Bot")),
            ["created_at"] = Representations.Timestamp(deployment.CreatedAt),
            ["updated_at"] = Representations.Timestamp(deployment.Statuses.LastOrDefault()?.CreatedAt ?? deployment.CreatedAt),
            ["statuses_url"] = $"{url}/statuses",
            ["repository_url"] = repositoryUrl,
            ["transient_environment"] = deployment.Transient,
            ["production_environment"] = deployment.Production,
        };
    }

    /// <summary><c>deployment-status</c>.</summary>
    private static JsonObject Status(EmulatorState state, Representations json, DeploymentRecord deployment, DeploymentStatusRecord status)
    {
        var repositoryUrl = $"{state.ApiRoot}/repos/{deployment.Repository.FullName}";
        var deploymentUrl = $"{repositoryUrl}/deployments/{deployment.Id}";
        var body = new JsonObject
        {
            ["url"] = $"{deploymentUrl}/statuses/{status.Id}",
            ["id"] = status.Id,
            ["node_id"] = Representations.NodeId("DES_", status.Id),
            ["state"] = status.State,
            ["creator"] = json.User(state.Account(status.Creator, "Bot")),
            ["description"] = status.Description,
            ["environment"] = status.Environment,
            // GitHub answers "" without a target_url or log_url, which its description (format uri)
            // does not allow; the emulator names the deployment instead, so responses stay schema-valid.
            ["target_url"] = status.LogUrl is { Length: > 0 } log ? log : status.TargetUrl is { Length: > 0 } target ? target : deploymentUrl,
            ["created_at"] = Representations.Timestamp(status.CreatedAt),
            ["updated_at"] = Representations.Timestamp(status.CreatedAt),
            ["deployment_url"] = deploymentUrl,
            ["repository_url"] = repositoryUrl,
        };
        if (status.EnvironmentUrl.Length > 0)
        {
            body["environment_url"] = status.EnvironmentUrl;
        }

        if (status.LogUrl.Length > 0)
        {
            body["log_url"] = status.LogUrl;
        }

        return body;
    }
}

/// <summary>A deployment as the emulator keeps it; its statuses are added under <see cref="EmulatorState.Sync"/>.</summary>
internal sealed record DeploymentRecord(
    long Id, HostedRepository Repository, string Sha, string Ref, string Task, string Environment, string Description, JsonNode Payload,
    bool Transient, bool Production, string Creator, DateTimeOffset CreatedAt)
{
    public List<DeploymentStatusRecord> Statuses { get; } = [];
}

/// <summary>One status of a deployment.</summary>
internal sealed record DeploymentStatusRecord(
    long Id, string State, string Description, string Environment, string TargetUrl, string EnvironmentUrl, string LogUrl, string Creator, DateTimeOffset CreatedAt);
