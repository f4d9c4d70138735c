namespace GitOpsBridge.Setup;

/// <summary>
/// Decides the mode (normal, first-run setup, or refuse) before the other hosted services start,
/// for hosts that did not do it already (<c>ServiceHost.RunAsync</c> does, to print a refusal).
/// </summary>
internal sealed class SetupInitialization(SetupMode setup) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => setup.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
