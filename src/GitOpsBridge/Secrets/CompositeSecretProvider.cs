namespace GitOpsBridge.Secrets;

/// <summary>
/// Asks each source in order and answers with the first value found. The service's order is
/// configuration, then Key Vault (when <c>GitHub:PrivateKeyVaultUri</c> is set), then the setup
/// store, so an operator's explicit setting always wins over what first-run setup stored.
/// </summary>
/// <param name="sources">The sources, first one first.</param>
public sealed class CompositeSecretProvider(IReadOnlyList<ISecretProvider> sources) : ISecretProvider
{
    /// <summary>The sources, in lookup order.</summary>
    public IReadOnlyList<ISecretProvider> Sources { get; } = sources;

    /// <inheritdoc />
    public async ValueTask<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        foreach (var source in Sources)
        {
            if (await source.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } value)
            {
                return value;
            }
        }

        return null;
    }
}
