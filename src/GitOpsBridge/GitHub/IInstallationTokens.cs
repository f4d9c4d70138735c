namespace GitOpsBridge.GitHub;

/// <summary>Installation access tokens, cached for less than their lifetime.</summary>
public interface IInstallationTokens
{
    /// <summary>A token for the installation: the cached one until 5 minutes before it expires, else a new one.</summary>
    ValueTask<InstallationToken> GetAsync(long installationId, CancellationToken cancellationToken = default);

    /// <summary>Forgets the cached token, after GitHub answered 401 to it, so the next call gets a new one.</summary>
    void Invalidate(long installationId);
}
