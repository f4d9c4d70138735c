using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Repositories;

namespace GitOpsBridge.GitHubEmulator.Http;

/// <summary>The shapes of check runs, commit statuses, reviews and branches.</summary>
internal sealed partial class Representations
{
    /// <summary><c>check-run</c>.</summary>
    public JsonObject CheckRun(HostedRepository repository, EmulatedCheckRun run, string? text = null)
    {
        CheckRunDetails? details;
        lock (state.Sync)
        {
            details = state.Merging.CheckRunDetails.GetValueOrDefault(run.Id);
        }

        var url = $"{Api}/repos/{repository.FullName}/check-runs/{run.Id}";
        return new JsonObject
        {
            ["id"] = run.Id,
            ["node_id"] = NodeId("CR_", run.Id),
            ["head_sha"] = run.HeadSha,
            ["external_id"] = details?.ExternalId ?? "",
            ["name"] = run.Name,
            ["url"] = url,
            ["html_url"] = $"{Api}/{repository.FullName}/runs/{run.Id}",
            ["details_url"] = details?.DetailsUrl,
            ["status"] = run.Status,
            ["conclusion"] = run.Conclusion,
            ["started_at"] = Timestamp(details?.StartedAt ?? repository.CreatedAt),
            ["completed_at"] = details?.CompletedAt is { } completed ? Timestamp(completed) : null,
            ["output"] = new JsonObject
            {
                ["title"] = run.Title,
                ["summary"] = run.Summary,
                ["text"] = text,
                ["annotations_count"] = run.Annotations.Count,
                ["annotations_url"] = $"{url}/annotations",
            },
            ["check_suite"] = new JsonObject { ["id"] = details?.CheckSuiteId ?? run.Id },

            // The App itself; the emulator keeps no App owner or settings, so this is not served.
            ["app"] = null,
            ["pull_requests"] = new JsonArray(),
        };
    }

    /// <summary><c>simple-commit-status</c>, or <c>status</c> (with its creator) when <paramref name="full"/>.</summary>
    public JsonObject CommitStatus(StatusRecord status, bool full)
    {
        var json = new JsonObject
        {
            ["url"] = $"{Api}/repos/{status.Repository.FullName}/statuses/{status.Sha}",
            ["avatar_url"] = $"{Api}/avatars/u/{state.Account(status.Creator).Id}",
            ["id"] = status.Id,
            ["node_id"] = NodeId("SC_", status.Id),
            ["state"] = status.State,
            ["description"] = status.Description,
            ["target_url"] = status.TargetUrl,
            ["context"] = status.Context,
            ["created_at"] = Timestamp(status.CreatedAt),
            ["updated_at"] = Timestamp(status.CreatedAt),
        };
        if (full)
        {
            json["creator"] = User(status.Creator);
        }

        return json;
    }

    /// <summary><c>pull-request-review</c>.</summary>
    public JsonObject Review(ReviewRecord review)
    {
        var pullUrl = $"{Api}/repos/{review.Repository.FullName}/pulls/{review.Number}";
        var html = $"{Api}/{review.Repository.FullName}/pull/{review.Number}#pullrequestreview-{review.Id}";
        return new JsonObject
        {
            ["id"] = review.Id,
            ["node_id"] = NodeId("PRR_", review.Id),
            ["user"] = User(review.Login),
            ["body"] = review.Body,
            ["state"] = review.State,
            ["html_url"] = html,
            ["pull_request_url"] = pullUrl,
            ["_links"] = new JsonObject
            {
                ["html"] = new JsonObject { ["href"] = html },
                ["pull_request"] = new JsonObject { ["href"] = pullUrl },
            },
            ["submitted_at"] = Timestamp(review.SubmittedAt),
            ["commit_id"] = review.CommitId,
            ["author_association"] = "COLLABORATOR",
        };
    }

    /// <summary><c>branch-with-protection</c>, with the required status checks the test set.</summary>
    public JsonObject Branch(HostedRepository repository, string branch, EmulatedCommit commit, string treeSha, IReadOnlyList<string> requiredContexts)
    {
        var repoUrl = $"{Api}/repos/{repository.FullName}";
        var commitUrl = $"{repoUrl}/commits/{commit.Sha}";
        JsonObject GitUser(string name, string email) => new() { ["name"] = name, ["email"] = email, ["date"] = Timestamp(commit.CommittedAt) };
        var protectionUrl = $"{repoUrl}/branches/{Uri.EscapeDataString(branch)}/protection";
        var protection = new JsonObject { ["enabled"] = requiredContexts.Count > 0 };
        if (requiredContexts.Count > 0)
        {
            protection["required_status_checks"] = new JsonObject
            {
                ["enforcement_level"] = "non_admins",
                ["contexts"] = new JsonArray([.. requiredContexts.Select(c => (JsonNode)JsonValue.Create(c))]),
                ["checks"] = new JsonArray([.. requiredContexts.Select(c => (JsonNode)new JsonObject { ["context"] = c, ["app_id"] = null })]),
            };
        }

        return new JsonObject
        {
            ["name"] = branch,
            ["commit"] = new JsonObject
            {
                ["url"] = commitUrl,
                ["sha"] = commit.Sha,
                ["node_id"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("C_" + commit.Sha)),
                ["html_url"] = $"{Api}/{repository.FullName}/commit/{commit.Sha}",
                ["comments_url"] = $"{commitUrl}/comments",
                ["commit"] = new JsonObject
                {
                    ["url"] = $"{repoUrl}/git/commits/{commit.Sha}",
                    ["author"] = GitUser(commit.AuthorName, commit.AuthorEmail),
                    ["committer"] = GitUser(GitCli.CommitterName, GitCli.CommitterEmail),
                    ["message"] = commit.Message,
                    ["comment_count"] = 0,
                    ["tree"] = new JsonObject { ["sha"] = treeSha, ["url"] = $"{repoUrl}/git/trees/{treeSha}" },
                },
                ["author"] = null,
                ["committer"] = null,
                ["parents"] = new JsonArray([.. commit.Parents.Select(p => (JsonNode)new JsonObject
                {
                    ["sha"] = p,
                    ["url"] = $"{repoUrl}/commits/{p}",
                    ["html_url"] = $"{Api}/{repository.FullName}/commit/{p}",
                })]),
            },
            ["_links"] = new JsonObject
            {
                ["html"] = $"{Api}/{repository.FullName}/tree/{branch}",
                ["self"] = $"{repoUrl}/branches/{Uri.EscapeDataString(branch)}",
            },
            ["protected"] = requiredContexts.Count > 0,
            ["protection"] = protection,
            ["protection_url"] = protectionUrl,
        };
    }
}
