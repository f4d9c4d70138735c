using GitOpsBridge.GitHub;

namespace GitOpsBridge.Tests.GitHub;

/// <summary>
/// Passes token requests through, but holds the first one made once <paramref name="pauseWhen"/> is
/// true until the test calls <see cref="Resume"/>. <see cref="GitHubApi"/> asks for the token before
/// every call, so this stops it between two calls, deterministically.
/// </summary>
internal sealed class PausingTokens(IInstallationTokens inner, Func<bool> pauseWhen) : IInstallationTokens
{
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    /// <summary>Completes when a request is being held.</summary>
    public Task Paused => _paused.Task;

    public void Resume() => _resume.TrySetResult();

    public async ValueTask<InstallationToken> GetAsync(long installationId, CancellationToken cancellationToken = default)
    {
        if (pauseWhen() && Interlocked.Exchange(ref _held, 1) == 0)
        {
            _paused.TrySetResult();
            await _resume.Task.WaitAsync(cancellationToken);
        }

        return await inner.GetAsync(installationId, cancellationToken);
    }

    public void Invalidate(long installationId) => inner.Invalidate(installationId);
}
