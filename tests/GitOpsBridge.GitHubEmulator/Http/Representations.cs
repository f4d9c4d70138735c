using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GitOpsBridge.GitHubEmulator.Repositories;

namespace GitOpsBridge.GitHubEmulator.Http;

/// <summary>
/// Builds GitHub's JSON shapes (the component schemas of the REST description) from the emulator's
/// state. URLs point at the emulator itself.
/// </summary>
internal sealed partial class Representations(EmulatorState state)
{
    private string Api => state.ApiRoot;

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static string NodeId(string kind, long id) => Convert.ToBase64String(Encoding.ASCII.GetBytes($"{kind}{id}"));

    /// <summary><c>simple-user</c>.</summary>
    public JsonObject User(AccountRecord account)
    {
        var url = $"{Api}/users/{Uri.EscapeDataString(account.Login)}";
        return new JsonObject
        {
            ["login"] = account.Login,
            ["id"] = account.Id,
            ["node_id"] = NodeId("U_", account.Id),
            ["avatar_url"] = $"{Api}/avatars/u/{account.Id}",
            ["gravatar_id"] = string.Empty,
            ["url"] = url,
            ["html_url"] = $"{Api}/{Uri.EscapeDataString(account.Login)}",
            ["followers_url"] = $"{url}/followers",
            ["following_url"] = $"{url}/following{{/other_user}}",
            ["gists_url"] = $"{url}/gists{{/gist_id}}",
            ["starred_url"] = $"{url}/starred{{/owner}}{{/repo}}",
            ["subscriptions_url"] = $"{url}/subscriptions",
            ["organizations_url"] = $"{url}/orgs",
            ["repos_url"] = $"{url}/repos",
            ["events_url"] = $"{url}/events{{/privacy}}",
            ["received_events_url"] = $"{url}/received_events",
            ["type"] = account.Type,
            ["user_view_type"] = "public",
            ["site_admin"] = false,
        };
    }

    public JsonObject User(string login) => User(state.Account(login));

    /// <summary><c>repository</c>, or <c>full-repository</c> when <paramref name="full"/>.</summary>
    public JsonObject Repository(HostedRepository repository, bool full = false)
    {
        var url = $"{Api}/repos/{repository.FullName}";
        var pushedAt = Timestamp(repository.CreatedAt);
        int openPulls;
        lock (state.Sync)
        {
            openPulls = state.PullRequests.Count(p => p.Repository == repository && p.State == "open");
        }

        var json = new JsonObject
        {
            ["id"] = repository.Id,
            ["node_id"] = NodeId("R_", repository.Id),
            ["name"] = repository.Name,
            ["full_name"] = repository.FullName,
            ["private"] = true,
            ["owner"] = User(state.Account(repository.Owner)),
            ["html_url"] = $"{Api}/{repository.FullName}",
            ["description"] = null,
            ["fork"] = false,
            ["url"] = url,
            ["archive_url"] = $"{url}/{{archive_format}}{{/ref}}",
            ["assignees_url"] = $"{url}/assignees{{/user}}",
            ["blobs_url"] = $"{url}/git/blobs{{/sha}}",
            ["branches_url"] = $"{url}/branches{{/branch}}",
            ["collaborators_url"] = $"{url}/collaborators{{/collaborator}}",
            ["comments_url"] = $"{url}/comments{{/number}}",
            ["commits_url"] = $"{url}/commits{{/sha}}",
            ["compare_url"] = $"{url}/compare/{{base}}...{{head}}",
            ["contents_url"] = $"{url}/contents/{{+path}}",
            ["contributors_url"] = $"{url}/contributors",
            ["deployments_url"] = $"{url}/deployments",
            ["downloads_url"] = $"{url}/downloads",
            ["events_url"] = $"{url}/events",
            ["forks_url"] = $"{url}/forks",
            ["git_commits_url"] = $"{url}/git/commits{{/sha}}",
            ["git_refs_url"] = $"{url}/git/refs{{/sha}}",
            ["git_tags_url"] = $"{url}/git/tags{{/sha}}",
            ["git_url"] = $"git://127.0.0.1/{repository.FullName}.git",
            ["issue_comment_url"] = $"{url}/issues/comments{{/number}}",
            ["issue_events_url"] = $"{url}/issues/events{{/number}}",
            ["issues_url"] = $"{url}/issues{{/number}}",
            ["keys_url"] = $"{url}/keys{{/key_id}}",
            ["labels_url"] = $"{url}/labels{{/name}}",
            ["languages_url"] = $"{url}/languages",
            ["merges_url"] = $"{url}/merges",
            ["milestones_url"] = $"{url}/milestones{{/number}}",
            ["notifications_url"] = $"{url}/notifications{{?since,all,participating}}",
            ["pulls_url"] = $"{url}/pulls{{/number}}",
            ["releases_url"] = $"{url}/releases{{/id}}",
            ["ssh_url"] = $"git@127.0.0.1:{repository.FullName}.git",
            ["stargazers_url"] = $"{url}/stargazers",
            ["statuses_url"] = $"{url}/statuses/{{sha}}",
            ["subscribers_url"] = $"{url}/subscribers",
            ["subscription_url"] = $"{url}/subscription",
            ["tags_url"] = $"{url}/tags",
            ["teams_url"] = $"{url}/teams",
            ["trees_url"] = $"{url}/git/trees{{/sha}}",
            ["clone_url"] = $"{Api}/{repository.FullName}.git",
            ["mirror_url"] = null,
            ["hooks_url"] = $"{url}/hooks",
            ["svn_url"] = $"{Api}/{repository.FullName}",
            ["homepage"] = null,
            ["language"] = null,
            ["forks_count"] = 0,
            ["stargazers_count"] = 0,
            ["watchers_count"] = 0,
            ["size"] = 0,
            ["default_branch"] = repository.DefaultBranch,
            ["open_issues_count"] = openPulls,
            ["is_template"] = false,
            ["topics"] = new JsonArray(),
            ["has_issues"] = true,
            ["has_projects"] = false,
            ["has_wiki"] = false,
            ["has_pages"] = false,
            ["has_downloads"] = false,
            ["has_discussions"] = false,
            ["archived"] = false,
            ["disabled"] = false,
            ["visibility"] = "private",
            ["pushed_at"] = pushedAt,
            ["created_at"] = Timestamp(repository.CreatedAt),
            ["updated_at"] = pushedAt,
            ["permissions"] = new JsonObject { ["admin"] = false, ["maintain"] = false, ["push"] = true, ["triage"] = true, ["pull"] = true },
            ["allow_rebase_merge"] = true,
            ["allow_squash_merge"] = true,
            ["allow_merge_commit"] = true,
            ["allow_auto_merge"] = state.AutoMerge.Allowed(repository),
            ["delete_branch_on_merge"] = false,
            ["allow_forking"] = false,
            ["web_commit_signoff_required"] = false,
            ["license"] = null,
            ["forks"] = 0,
            ["open_issues"] = openPulls,
            ["watchers"] = 0,
        };
        if (full)
        {
            json["network_count"] = 0;
            json["subscribers_count"] = 0;
            json["temp_clone_token"] = null;
        }

        return json;
    }

    /// <summary><c>installation</c>.</summary>
    public JsonObject Installation(InstallationRecord installation)
    {
        // apps/list-installations inlines account as allOf [simple-user, enterprise] (an erratum for
        // anyOf, as in components/schemas/installation), so the account also carries enterprise's
        // required fields to satisfy both readings.
        var account = User(installation.Account);
        account["name"] = installation.Account.Login;
        account["slug"] = installation.Account.Login;
        account["created_at"] = Timestamp(installation.CreatedAt);
        account["updated_at"] = Timestamp(installation.CreatedAt);
        return InstallationBody(installation, account);
    }

    private JsonObject InstallationBody(InstallationRecord installation, JsonObject account) => new()
    {
        ["id"] = installation.Id,
        ["account"] = account,
        ["repository_selection"] = "selected",
        ["access_tokens_url"] = $"{Api}/app/installations/{installation.Id}/access_tokens",
        ["repositories_url"] = $"{Api}/installation/repositories",
        ["html_url"] = $"{Api}/organizations/{installation.Account.Login}/settings/installations/{installation.Id}",
        ["app_id"] = state.App.AppId,
        ["client_id"] = state.App.ClientId,
        ["app_slug"] = state.App.Slug,
        ["target_id"] = installation.Account.Id,
        ["target_type"] = installation.Account.Type,
        ["permissions"] = Permissions(),
        ["events"] = new JsonArray("pull_request", "push", "registry_package", "workflow_run"),
        ["created_at"] = Timestamp(installation.CreatedAt),
        ["updated_at"] = Timestamp(installation.CreatedAt),
        ["single_file_name"] = null,
        ["has_multiple_single_files"] = false,
        ["single_file_paths"] = new JsonArray(),
        ["suspended_by"] = null,
        ["suspended_at"] = null,
    };

    public static JsonObject Permissions() => new()
    {
        ["contents"] = "write",
        ["pull_requests"] = "write",
        ["issues"] = "write",
        ["metadata"] = "read",
    };

    /// <summary><c>pull-request</c> (with <paramref name="comparison"/>) or <c>pull-request-simple</c>.</summary>
    public JsonObject PullRequest(PullRequestRecord pull, Comparison? comparison)
    {
        var repository = pull.Repository;
        var repoUrl = $"{Api}/repos/{repository.FullName}";
        var url = $"{repoUrl}/pulls/{pull.Number}";
        var html = $"{Api}/{repository.FullName}/pull/{pull.Number}";
        var issue = $"{repoUrl}/issues/{pull.Number}";
        var owner = state.Account(repository.Owner);
        JsonObject Link(string href) => new() { ["href"] = href };
        JsonObject Branch(string name, string sha) => new()
        {
            ["label"] = $"{repository.Owner}:{name}",
            ["ref"] = name,
            ["sha"] = sha,
            ["user"] = User(owner),
            ["repo"] = Repository(repository),
        };

        List<string> labels, reviewers, teams;
        lock (state.Sync)
        {
            labels = [.. pull.Labels];
            reviewers = [.. pull.RequestedReviewers];
            teams = [.. pull.RequestedTeams];
        }

        int commentCount;
        lock (state.Sync)
        {
            commentCount = state.Comments.Count(c => c.Repository == repository && c.IssueNumber == pull.Number);
        }

        var json = new JsonObject
        {
            ["url"] = url,
            ["id"] = pull.Id,
            ["node_id"] = NodeId("PR_", pull.Id),
            ["html_url"] = html,
            ["diff_url"] = $"{html}.diff",
            ["patch_url"] = $"{html}.patch",
            ["issue_url"] = issue,
            ["commits_url"] = $"{url}/commits",
            ["review_comments_url"] = $"{url}/comments",
            ["review_comment_url"] = $"{repoUrl}/pulls/comments{{/number}}",
            ["comments_url"] = $"{issue}/comments",
            ["statuses_url"] = $"{repoUrl}/statuses/{pull.HeadSha}",
            ["number"] = pull.Number,
            ["state"] = pull.State,
            ["locked"] = false,
            ["title"] = pull.Title,
            ["user"] = User(pull.Author),
            ["body"] = pull.Body,
            ["labels"] = new JsonArray([.. labels.Select(name => (JsonNode)Label(repository, name))]),
            ["milestone"] = null,
            ["active_lock_reason"] = null,
            ["created_at"] = Timestamp(pull.CreatedAt),
            ["updated_at"] = Timestamp(pull.UpdatedAt),
            ["closed_at"] = pull.ClosedAt is { } closed ? Timestamp(closed) : null,
            ["merged_at"] = pull.MergedAt is { } merged ? Timestamp(merged) : null,
            ["merge_commit_sha"] = pull.MergeCommitSha,
            ["assignee"] = null,
            ["assignees"] = new JsonArray(),
            ["requested_reviewers"] = new JsonArray([.. reviewers.Select(login => (JsonNode)User(login))]),
            ["requested_teams"] = new JsonArray([.. teams.Select(slug => (JsonNode)Team(repository.Owner, slug))]),
            ["head"] = Branch(pull.Head, pull.HeadSha),
            ["base"] = Branch(pull.Base, pull.BaseSha),
            ["_links"] = new JsonObject
            {
                ["self"] = Link(url),
                ["html"] = Link(html),
                ["issue"] = Link(issue),
                ["comments"] = Link($"{issue}/comments"),
                ["review_comments"] = Link($"{url}/comments"),
                ["review_comment"] = Link($"{repoUrl}/pulls/comments{{/number}}"),
                ["commits"] = Link($"{url}/commits"),
                ["statuses"] = Link($"{repoUrl}/statuses/{pull.HeadSha}"),
            },
            ["author_association"] = "NONE",
            ["auto_merge"] = AutoMerge(pull),
            ["draft"] = pull.Draft,
        };

        if (comparison is not null)
        {
            json["merged"] = pull.MergedAt is not null;
            json["mergeable"] = pull.State == "open" ? comparison.Mergeable : null;
            json["rebaseable"] = pull.State == "open" ? comparison.Mergeable : null;
            json["mergeable_state"] = pull.State != "open" ? "unknown" : pull.Draft ? "draft" : comparison.Mergeable switch
            {
                true => "clean",
                false => "dirty",
                null => "unknown",
            };
            json["merged_by"] = pull.MergedBy is { } mergedBy ? User(mergedBy) : null;
            json["comments"] = commentCount;
            json["review_comments"] = 0;
            json["maintainer_can_modify"] = pull.MaintainerCanModify;
            json["commits"] = comparison.Commits;
            json["additions"] = comparison.Additions;
            json["deletions"] = comparison.Deletions;
            json["changed_files"] = comparison.ChangedFiles;
        }

        return json;
    }

    /// <summary><c>label</c>.</summary>
    public JsonObject Label(HostedRepository repository, string name)
    {
        LabelRecord label;
        lock (state.Sync)
        {
            if (!repository.Labels.TryGetValue(name, out label!))
            {
                // An empty description, not null: pull-request-simple declares it a non-nullable string.
                repository.Labels[name] = label = new LabelRecord(state.NextId(), name, "ededed", string.Empty);
            }
        }

        return new JsonObject
        {
            ["id"] = label.Id,
            ["node_id"] = NodeId("LA_", label.Id),
            ["url"] = $"{Api}/repos/{repository.FullName}/labels/{Uri.EscapeDataString(label.Name)}",
            ["name"] = label.Name,
            ["description"] = label.Description,
            ["color"] = label.Color,
            ["default"] = false,
        };
    }

    /// <summary><c>team</c>.</summary>
    public JsonObject Team(string organization, string slug)
    {
        var id = state.Account($"{organization}/{slug}", "Team").Id;
        var url = $"{Api}/orgs/{organization}/teams/{slug}";
        return new JsonObject
        {
            ["id"] = id,
            ["node_id"] = NodeId("T_", id),
            ["url"] = url,
            ["html_url"] = $"{Api}/orgs/{organization}/teams/{slug}",
            ["name"] = slug,
            ["slug"] = slug,
            ["description"] = null,
            ["privacy"] = "closed",
            ["notification_setting"] = "notifications_enabled",
            ["permission"] = "pull",
            ["members_url"] = $"{url}/members{{/member}}",
            ["repositories_url"] = $"{url}/repos",
            ["type"] = "organization",
            ["parent"] = null,
        };
    }

    /// <summary><c>issue-comment</c>.</summary>
    public JsonObject Comment(CommentRecord comment)
    {
        var repoUrl = $"{Api}/repos/{comment.Repository.FullName}";
        return new JsonObject
        {
            ["id"] = comment.Id,
            ["node_id"] = NodeId("IC_", comment.Id),
            ["url"] = $"{repoUrl}/issues/comments/{comment.Id}",
            ["html_url"] = $"{Api}/{comment.Repository.FullName}/pull/{comment.IssueNumber}#issuecomment-{comment.Id}",
            ["body"] = comment.Body,
            ["user"] = User(comment.Author),
            ["created_at"] = Timestamp(comment.CreatedAt),
            ["updated_at"] = Timestamp(comment.CreatedAt),
            ["issue_url"] = $"{repoUrl}/issues/{comment.IssueNumber}",
            ["author_association"] = "NONE",
        };
    }

    /// <summary><c>content-file</c>, with GitHub's base64 wrapped at 60 characters.</summary>
    public JsonObject ContentFile(HostedRepository repository, TreeEntry entry, byte[] content, string reference)
    {
        var json = ContentEntry(repository, entry, reference);
        var base64 = Convert.ToBase64String(content);
        var wrapped = new StringBuilder();
        for (var i = 0; i < base64.Length; i += 60)
        {
            wrapped.Append(base64, i, Math.Min(60, base64.Length - i)).Append('\n');
        }

        json["content"] = wrapped.ToString();
        json["encoding"] = "base64";
        return json;
    }

    /// <summary>An item of <c>content-directory</c> (and the common part of <c>content-file</c>).</summary>
    public JsonObject ContentEntry(HostedRepository repository, TreeEntry entry, string reference)
    {
        var type = entry.Type switch
        {
            "tree" => "dir",
            "commit" => "submodule",
            _ when entry.Mode == "120000" => "symlink",
            _ => "file",
        };
        var self = $"{Api}/repos/{repository.FullName}/contents/{entry.Path}?ref={Uri.EscapeDataString(reference)}";
        var git = $"{Api}/repos/{repository.FullName}/git/{(type == "dir" ? "trees" : "blobs")}/{entry.Sha}";
        var html = $"{Api}/{repository.FullName}/{(type == "dir" ? "tree" : "blob")}/{reference}/{entry.Path}";
        return new JsonObject
        {
            ["type"] = type,
            ["size"] = entry.Size,
            ["name"] = entry.Name,
            ["path"] = entry.Path,
            ["sha"] = entry.Sha,
            ["url"] = self,
            ["git_url"] = git,
            ["html_url"] = html,
            ["download_url"] = type == "file" ? $"{Api}/{repository.FullName}/raw/{reference}/{entry.Path}" : null,
            ["_links"] = new JsonObject { ["self"] = self, ["git"] = git, ["html"] = html },
        };
    }

    /// <summary><c>git-ref</c>.</summary>
    public JsonObject GitRef(HostedRepository repository, string reference, string sha) => new()
    {
        ["ref"] = reference,
        ["node_id"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"REF_{repository.Id}:{reference}")),
        ["url"] = $"{Api}/repos/{repository.FullName}/git/{reference}",
        ["object"] = new JsonObject
        {
            ["type"] = "commit",
            ["sha"] = sha,
            ["url"] = $"{Api}/repos/{repository.FullName}/git/commits/{sha}",
        },
    };

    /// <summary><c>hook-delivery-item</c>, or <c>hook-delivery</c> when <paramref name="detailed"/>.</summary>
    public static JsonObject HookDelivery(HookDeliveryRecord record, bool detailed)
    {
        var delivery = record.Delivery;
        var json = new JsonObject
        {
            ["id"] = delivery.Id,
            ["guid"] = delivery.Guid,
            ["delivered_at"] = Timestamp(delivery.DeliveredAt),
            ["redelivery"] = delivery.Redelivery,
            ["duration"] = Math.Round(record.Duration.TotalSeconds, 3),
            ["status"] = delivery.StatusCode switch
            {
                0 => "Connection refused",
                >= 200 and < 300 => "OK",
                _ => $"Invalid HTTP Response: {delivery.StatusCode}",
            },
            ["status_code"] = delivery.StatusCode,
            ["event"] = delivery.Event,
            ["action"] = delivery.Action,
            ["installation_id"] = delivery.InstallationId,
            ["repository_id"] = delivery.RepositoryId,
            ["throttled_at"] = null,
        };
        if (detailed)
        {
            static JsonObject Headers(IReadOnlyDictionary<string, string> headers) =>
                new([.. headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)JsonValue.Create(h.Value)))]);

            json["url"] = string.Empty;
            json["request"] = new JsonObject
            {
                ["headers"] = Headers(record.RequestHeaders),
                ["payload"] = JsonNode.Parse(delivery.Payload),
            };
            json["response"] = new JsonObject
            {
                ["headers"] = Headers(record.ResponseHeaders),
                ["payload"] = record.ResponseBody,
            };
        }

        return json;
    }
}
