namespace GitOpsBridge.GitHub;

/// <summary>The pull request one target should have. Its head branch is already pushed.</summary>
/// <param name="Repository"><c>owner/name</c>.</param>
/// <param name="HeadBranch">The branch with the changes, in the same repository.</param>
/// <param name="BaseBranch">The branch it merges into.</param>
/// <param name="Title">The title.</param>
/// <param name="Body">The description (Markdown).</param>
/// <param name="Labels">Labels the pull request must carry; missing ones are added, others are left alone.</param>
/// <param name="Reviewers">Reviewers asked for when the pull request is opened: a user <c>login</c> or a team as <c>org/team-slug</c>.</param>
/// <param name="Draft">Open it as a draft (only at creation; REST cannot change it later).</param>
public sealed record PullRequestSpec(
    string Repository,
    string HeadBranch,
    string BaseBranch,
    string Title,
    string Body,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Reviewers,
    bool Draft);
