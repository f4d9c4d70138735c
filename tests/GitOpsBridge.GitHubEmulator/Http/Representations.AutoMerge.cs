using System.Text.Json.Nodes;

namespace GitOpsBridge.GitHubEmulator.Http;

/// <summary>The REST view of auto-merge state kept by <see cref="GraphQl.AutoMergeBook"/>.</summary>
internal sealed partial class Representations
{
    /// <summary>A pull request's <c>auto_merge</c> (the <c>auto-merge</c> schema), or null when it is off.</summary>
    private JsonObject? AutoMerge(PullRequestRecord pull) => state.AutoMerge.Get(pull) is { } request
        ? new JsonObject
        {
            ["enabled_by"] = User(request.EnabledBy),
            ["merge_method"] = request.MergeMethod.ToLowerInvariant(),
            ["commit_title"] = request.CommitHeadline ?? pull.Title,
            ["commit_message"] = request.CommitBody ?? string.Empty,
        }
        : null;
}
