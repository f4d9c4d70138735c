namespace GitOpsBridge.Git;

/// <summary>
/// The server refused the installation token (expired, revoked or wrong). Raised as soon as the
/// server asks for credentials a second time in one operation; libgit2 would otherwise ask 15 times.
/// The message never contains the token.
/// </summary>
public sealed class GitAuthenticationException(string message) : Exception(message);
