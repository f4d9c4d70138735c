namespace GitOpsBridge.Git;

/// <summary>
/// The branch moved on the server since it was fetched, and the update was not forced: fetch
/// again, build again, and retry. libgit2 raises this itself before sending; GitHub's
/// <c>PATCH /git/refs</c> answers 422 "Update is not a fast forward".
/// </summary>
public sealed class GitNonFastForwardException(string message) : Exception(message);
