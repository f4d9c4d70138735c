using System.Globalization;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.GitHub;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>
/// Keeps the image index: which repositories of an installation track which images, read from
/// each repository's <c>.github/gitops-bridge.yml</c> on its default branch.
/// </summary>
internal sealed class RepositoryIndexer(IBridgeStore store, IGitHubApi github, TimeProvider time)
{
    /// <summary>Lists an installation's repositories (paginated) and reads each config now, or queues each read.</summary>
    public async Task IndexInstallationAsync(long installationId, CancellationToken cancellationToken, bool inline = false)
    {
        var repositories = await github.ListInstallationRepositoriesAsync(installationId, cancellationToken);
        var known = await store.ListRepositoriesAsync(installationId, cancellationToken);
        foreach (var gone in known.Where(k => !repositories.Contains(k.Repository, StringComparer.OrdinalIgnoreCase)))
        {
            await store.RemoveRepositoryAsync(gone.Repository, cancellationToken);
        }

        foreach (var repository in repositories)
        {
            if (inline)
            {
                await IndexRepositoryAsync(installationId, repository, cancellationToken);
                continue;
            }

            await store.EnqueueAsync(JobKind.Repository, DeliveryProcessor.RepositoryJobKey(installationId, repository), repository, time.GetUtcNow(), null, cancellationToken);
        }
    }

    /// <summary>Reads one repository's config and records the images it tracks.</summary>
    public async Task IndexRepositoryAsync(long installationId, string repository, CancellationToken cancellationToken)
    {
        var info = await github.GetRepositoryAsync(installationId, repository, cancellationToken);
        var yaml = await github.GetFileAsync(installationId, repository, RepositoryConfig.FilePath, info.DefaultBranch, cancellationToken);
        string? error = null;
        RepositoryConfig? config = null;
        var tracked = new List<string>();
        if (yaml is not null)
        {
            var errors = ConfigParser.Validate(yaml);
            if (errors.Count > 0)
            {
                error = string.Join("; ", errors.Take(5).Select(e => e.ToString()));
            }
            else
            {
                config = ConfigParser.Parse(yaml);
                tracked.AddRange(config.Images.Values
                    .Select(i => ImageReference.TryParseRepository(i.Repository, out var name, out _) ? name : null)
                    .OfType<string>().Distinct(StringComparer.Ordinal));
            }
        }

        var previous = await store.GetRepositoryAsync(info.FullName, cancellationToken);
        await store.SetRepositoryAsync(new RepositoryRecord(info.FullName, installationId, info.DefaultBranch, yaml, error, tracked, time.GetUtcNow()), cancellationToken);
        if (config is not null)
        {
            await EnqueueChangedPinsAsync(installationId, info.FullName, info.DefaultBranch, previous?.ConfigYaml, config, cancellationToken);
            await ReconcileRemovedAsync(installationId, info.FullName, config, cancellationToken);
        }
    }

    /// <summary>
    /// A config pin (<c>environments.&lt;env&gt;.pin</c>) acts without an event: each environment whose
    /// pins the new config adds or changes is reconciled now. A removed pin moves nothing by itself.
    /// </summary>
    private async Task EnqueueChangedPinsAsync(long installationId, string repository, string? defaultBranch, string? previousYaml, RepositoryConfig config, CancellationToken cancellationToken)
    {
        // The config being replaced, parsed (or taken from the worker's cache); null when it was invalid.
        var before = ParsedConfigs.Get(repository, previousYaml);

        foreach (var env in config.Environments.Values.Where(e => e.Pins.Count > 0))
        {
            var old = before?.Environments.GetValueOrDefault(env.Name)?.Pins;
            if (old is not null && old.Count == env.Pins.Count && old.All(p => env.Pins.GetValueOrDefault(p.Key) == p.Value))
            {
                continue;
            }

            var target = new TargetKey(installationId, repository, env.Branch ?? defaultBranch ?? "main", env.Name);
            await store.EnqueueAsync(JobKind.Target, TargetKeys.ToJobKey(target), repository, time.GetUtcNow(), null, cancellationToken);
        }
    }

    /// <summary>
    /// Queues the targets whose environment the config no longer has (with a desired state or an
    /// open pull request): their reconcile closes the pull request and deletes its branch.
    /// </summary>
    private async Task ReconcileRemovedAsync(long installationId, string repository, RepositoryConfig config, CancellationToken cancellationToken)
    {
        var targets = (await store.ListTargetsAsync(repository, cancellationToken))
            .Concat((await store.ListPullRequestsAsync("open", cancellationToken)).Select(p => p.Target).Where(t => string.Equals(t.Repository, repository, StringComparison.OrdinalIgnoreCase)))
            .Where(t => t.InstallationId == installationId && !config.Environments.ContainsKey(t.Environment))
            .Distinct();
        foreach (var target in targets)
        {
            await store.EnqueueAsync(JobKind.Target, TargetKeys.ToJobKey(target), repository, time.GetUtcNow(), null, cancellationToken);
        }
    }

    public static (long InstallationId, string Repository) ParseKey(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return (long.Parse(key[..colon], CultureInfo.InvariantCulture), key[(colon + 1)..]);
    }
}
