namespace GitOpsBridge.Git;

/// <summary>
/// The server refused a push (a protected branch, a hook, a non-fast-forward it will not take).
/// libgit2 does not throw for this; it reports each refused reference through
/// <c>PushOptions.OnPushStatusError</c>, which the workspace turns into this exception.
/// </summary>
public sealed class GitPushRejectedException(string message) : Exception(message);
