namespace GitOpsBridge.GitHub;

/// <summary>An open pull request as GitHub lists it.</summary>
/// <param name="Number">The pull request number.</param>
/// <param name="Url">Its web page (<c>html_url</c>).</param>
/// <param name="HeadBranch">The branch with the changes.</param>
/// <param name="BaseBranch">The branch it merges into.</param>
/// <param name="Title">The title.</param>
/// <param name="Body">The description (empty when GitHub has none).</param>
/// <param name="NodeId">The GraphQL id, which auto-merge takes.</param>
public sealed record PullRequestInfo(int Number, string Url, string HeadBranch, string BaseBranch, string Title, string Body, string NodeId);
