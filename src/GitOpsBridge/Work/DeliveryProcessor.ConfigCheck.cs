using System.Text.Json;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Lifecycle;
using GitOpsBridge.GitHub;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>
/// The config check: a pull request that changes <c>.github/gitops-bridge.yml</c> gets a check run
/// with the errors annotated at file, line and column, so a broken config is caught before it merges.
/// </summary>
internal sealed partial class DeliveryProcessor
{
    /// <summary>The check run's name on the pull request.</summary>
    internal const string ConfigCheckName = "gitops-bridge / config";

    private async Task ProcessConfigCheckAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        var pr = root.GetProperty("pull_request");
        var repository = root.TryGetProperty("repository", out var r) ? Text(r, "full_name") : null;
        var headSha = pr.TryGetProperty("head", out var head) ? Text(head, "sha") : null;
        var baseSha = pr.TryGetProperty("base", out var @base) ? Text(@base, "sha") : null;
        if (repository is null || headSha is null || baseSha is null)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Rejected, "invalid-event", "the pull request has no repository, head.sha or base.sha", cancellationToken);
            return;
        }

        // Whether the PR changes the file: its text at the head against the base commit (two reads
        // instead of listing every changed file of a large PR).
        var atHead = await github.GetFileAsync(installationId, repository, RepositoryConfig.FilePath, headSha, cancellationToken);
        var atBase = await github.GetFileAsync(installationId, repository, RepositoryConfig.FilePath, baseSha, cancellationToken);
        if (atHead == atBase)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "config-unchanged", $"the pull request does not change {RepositoryConfig.FilePath}", cancellationToken);
            return;
        }

        var result = ConfigCheck.Run(atHead);
        await github.CreateCheckRunAsync(installationId,
            new CheckRunSpec(repository, ConfigCheckName, headSha, result.Conclusion, result.Title, result.Summary, result.Annotations), cancellationToken);
        await FinishAsync(deliveryId, DeliveryStatus.Done, "config-checked",
            $"check run '{ConfigCheckName}' on {headSha[..Math.Min(7, headSha.Length)]}: {result.Conclusion} ({result.Title})", cancellationToken);
    }
}
