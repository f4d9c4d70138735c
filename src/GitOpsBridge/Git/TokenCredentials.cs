using LibGit2Sharp;

namespace GitOpsBridge.Git;

/// <summary>
/// The credentials callback for one transport operation (one ls-remote, fetch or push). libgit2 asks
/// again each time the server answers 401, up to 15 times for a wrong token; the second request means
/// the token was refused, so it fails there. Throwing is safe: LibGit2Sharp catches exceptions from
/// this callback and turns them into a libgit2 error.
/// </summary>
internal sealed class TokenCredentials(string token)
{
    private int _calls;

    /// <summary>How many times libgit2 asked.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The server asked again after being given the token.</summary>
    public bool Refused => Calls > 1;

    public Credentials Provide(string url, string usernameFromUrl, SupportedCredentialTypes types)
    {
        if (Interlocked.Increment(ref _calls) > 1)
        {
            throw new GitAuthenticationException("the server refused the installation token");
        }

        return new UsernamePasswordCredentials { Username = "x-access-token", Password = token };
    }
}
