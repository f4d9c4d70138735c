namespace GitOpsBridge.Work;

/// <summary>
/// Set once start-up indexing has finished (or failed). Image events wait for it, so a delivery
/// that arrives while the index is being built never answers "not tracked" for a repository that
/// tracks the image.
/// </summary>
internal sealed class IndexReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void MarkReady() => _ready.TrySetResult();

    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await _ready.Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Indexing is slow (GitHub down?): go on with what the index has.
        }
    }
}
