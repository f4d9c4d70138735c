using System.Text.Json;
using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Planning;
using GitOpsBridge.Core.Sources;
using GitOpsBridge.Sources;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>Registry and CI sources, GitHub check suites and repository dispatches.</summary>
internal sealed partial class DeliveryProcessor
{
    /// <summary>
    /// A delivery from a configured source. Tenant isolation: only installations on the source's
    /// <c>Owners</c> accounts are searched, and a repository's <c>sources:</c> may narrow that further.
    /// </summary>
    private async Task ProcessSourceAsync(DeliveryRecord delivery, string body, CancellationToken cancellationToken)
    {
        var source = sources.Find(delivery.Source);
        if (source is null)
        {
            await FinishAsync(delivery.Id, DeliveryStatus.Rejected, "unknown-source", $"source '{delivery.Source}' is no longer configured", cancellationToken);
            return;
        }

        var headers = delivery.Headers is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(delivery.Headers) ?? [];
        var parsed = SourceParsing.Parse(source.Kind, new SourcePayload(body, headers));
        var installations = parsed is SourceParseResult.Pushed or SourceParseResult.Completed
            ? await OwnersInstallationsAsync(source, cancellationToken)
            : [];
        switch (parsed)
        {
            case SourceParseResult.Pushed pushed when installations.Count > 0:
                await readiness.WaitAsync(TimeSpan.FromMinutes(2), time, cancellationToken);
                var events = pushed.Images.Select(p => new ImagePublished(p.Image, null, null, null, p.Actor)).ToList();
                await ProcessImagesAsync(delivery.Id, installations, events, source.Name, null, cancellationToken);
                return;
            case SourceParseResult.Completed completed when installations.Count > 0:
                if (!completed.Run.Succeeded)
                {
                    await FinishAsync(delivery.Id, DeliveryStatus.Skipped, "ci-not-successful", $"the run finished as {completed.Run.Status}; only successful builds are deployed", cancellationToken);
                    return;
                }

                await readiness.WaitAsync(TimeSpan.FromMinutes(2), time, cancellationToken);
                await ProcessCiRunAsync(delivery.Id, installations, completed.Run, null, source.Name, cancellationToken);
                return;
            case SourceParseResult.Pushed or SourceParseResult.Completed:
                await FinishAsync(delivery.Id, DeliveryStatus.Skipped, "no-installation",
                    $"the App is not installed on any account source '{source.Name}' may trigger ({string.Join(", ", source.Options.Owners)})", cancellationToken);
                return;
            case SourceParseResult.Ignored ignored:
                await FinishAsync(delivery.Id, DeliveryStatus.Ignored, ignored.Code, ignored.Reason, cancellationToken);
                return;
            case SourceParseResult.Rejected rejected:
                await FinishAsync(delivery.Id, DeliveryStatus.Rejected, rejected.Code, rejected.Reason, cancellationToken);
                return;
            default:
                await FinishAsync(delivery.Id, DeliveryStatus.Ignored, "not-handled", "nothing to do for this payload", cancellationToken);
                return;
        }
    }

    /// <summary>The installations on the accounts the source may trigger; only the events that act need them.</summary>
    private async Task<List<long>> OwnersInstallationsAsync(ConfiguredSource source, CancellationToken cancellationToken)
    {
        var installations = new List<long>();
        foreach (var id in await store.ListInstallationsAsync(cancellationToken))
        {
            if (source.AllowsOwner(await store.GetInstallationAccountAsync(id, cancellationToken)))
            {
                installations.Add(id);
            }
        }

        return installations;
    }

    /// <summary>
    /// A successful CI run: each repository config's <c>ci</c> mapping says whether the run built one
    /// of its images and which tag the build pushed. For GitHub Actions, <c>ci.workflow</c> may name
    /// the workflow file (<paramref name="workflowPath"/>) instead of the workflow's name.
    /// </summary>
    private async Task ProcessCiRunAsync(string deliveryId, IReadOnlyList<long> installations, CiCompletion run, string? workflowPath, string sourceName, CancellationToken cancellationToken)
    {
        var images = new List<ImagePublished>();
        string? whyNot = null;
        foreach (var installationId in installations)
        {
            foreach (var repo in await store.ListRepositoriesAsync(installationId, cancellationToken))
            {
                if (TryParseConfig(repo) is not { } config)
                {
                    continue;
                }

                foreach (var image in config.Images.Values)
                {
                    if (image.Ci is not { } ci || !string.Equals(ci.Repository, run.Project, StringComparison.OrdinalIgnoreCase)
                        || (ci.Workflow is not null && ci.Workflow != run.Pipeline && !(workflowPath ?? "").EndsWith("/" + ci.Workflow, StringComparison.Ordinal))
                        || (image.Sources.Count > 0 && !image.Sources.Contains(sourceName, StringComparer.Ordinal)))
                    {
                        continue;
                    }

                    if (ci.Branches.Count > 0 && !ci.Branches.Contains(run.Branch ?? "", StringComparer.Ordinal))
                    {
                        whyNot ??= $"{repo.Repository} builds images.{image.Alias} only from {string.Join(", ", ci.Branches)}, not from {run.Branch ?? "a run without a branch"}";
                        continue;
                    }

                    if (MissingTemplateValue(ci.Tag, run) is { } missing)
                    {
                        whyNot ??= $"the tag template {ci.Tag} of images.{image.Alias} in {repo.Repository} needs {missing}, which the run does not report";
                        continue;
                    }

                    var tag = TagTemplate.Render(ci.Tag, run.Commit ?? "", run.RunNumber ?? 0, run.Branch);
                    if (!ImageReference.TryParse($"{image.Repository}:{tag}", out var reference, out var error))
                    {
                        whyNot ??= $"the tag template {ci.Tag} of images.{image.Alias} gives '{tag}', which is not a valid tag: {error}";
                        continue;
                    }

                    if (!images.Any(i => i.Image.Equals(reference)))
                    {
                        images.Add(new ImagePublished(reference, run.Project, run.Commit, run.RunUrl, run.Actor) { Verify = ci.Verify });
                    }
                }
            }
        }

        if (images.Count == 0)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Skipped, ReasonCodes.NotTracked,
                whyNot ?? $"no repository maps builds of {run.Project}{(run.Pipeline is null ? "" : $" ({run.Pipeline})")} to an image", cancellationToken);
            return;
        }

        await ProcessImagesAsync(deliveryId, installations, await VerifiedAsync(images, cancellationToken), sourceName, null, cancellationToken);
    }

    /// <summary>
    /// <c>check_suite</c> completed, for CI systems that report through GitHub checks. GitHub Actions
    /// reports every run twice; its <c>workflow_run</c> names the workflow, so its check suite is the duplicate.
    /// </summary>
    private async Task ProcessCheckSuiteAsync(string deliveryId, long installationId, JsonElement root, CancellationToken cancellationToken)
    {
        var suite = root.GetProperty("check_suite");
        var app = suite.TryGetProperty("app", out var a) ? a : default;
        var slug = Text(app, "slug");
        if (slug == "github-actions" || Text(app, "name") == "GitHub Actions")
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "duplicate", "GitHub Actions runs are handled through their workflow_run event", cancellationToken);
            return;
        }

        var conclusion = Text(suite, "conclusion");
        var project = root.TryGetProperty("repository", out var r) ? Text(r, "full_name") : null;
        var sha = Text(suite, "head_sha");
        if (project is null || sha is null)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Rejected, "invalid-event", "the check suite has no repository or head_sha", cancellationToken);
            return;
        }

        if (conclusion != "success")
        {
            await FinishAsync(deliveryId, DeliveryStatus.Skipped, "ci-not-successful", $"the check suite of {slug ?? "an app"} concluded {conclusion ?? "without a conclusion"}; only successful builds are deployed", cancellationToken);
            return;
        }

        var run = new CiCompletion(project, slug ?? Text(app, "name"), Text(suite, "head_branch"), sha, null, true, conclusion, null, Text(app, "name"));
        await ProcessCiRunAsync(deliveryId, [installationId], run, null, SourceCatalog.GitHub, cancellationToken);
    }

    /// <summary>
    /// <c>repository_dispatch</c> with <c>client_payload: {image, tag, digest?, environment?}</c>: the
    /// one-step way for any CI to announce an image (see the README). Only a token with write access to
    /// the repository can send one.
    /// </summary>
    private async Task ProcessRepositoryDispatchAsync(string deliveryId, long installationId, JsonElement root, string action, CancellationToken cancellationToken)
    {
        var payload = root.TryGetProperty("client_payload", out var p) ? p : default;
        var image = Text(payload, "image");
        if (image is null)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Ignored, "not-an-image", $"the dispatch '{action}' has no client_payload.image; the bridge acts on dispatches that announce an image", cancellationToken);
            return;
        }

        var tag = Text(payload, "tag");
        var digest = Text(payload, "digest");
        var environment = Text(payload, "environment");
        var text = image + (tag is null ? "" : ":" + tag) + (digest is null ? "" : "@" + digest);
        if (tag is null && digest is null)
        {
            await FinishAsync(deliveryId, DeliveryStatus.Rejected, "invalid-event", "client_payload needs a tag or a digest", cancellationToken);
            return;
        }

        if (!ImageReference.TryParse(text, out var reference, out var error))
        {
            await FinishAsync(deliveryId, DeliveryStatus.Rejected, "invalid-event", $"client_payload does not make a valid image reference: {error}", cancellationToken);
            return;
        }

        var source = root.TryGetProperty("repository", out var r) ? Text(r, "full_name") : null;
        var actor = root.TryGetProperty("sender", out var s) ? Text(s, "login") : null;
        var published = new ImagePublished(reference, source, Text(payload, "commit"), Text(payload, "run_url"), actor);
        await ProcessImagesAsync(deliveryId, [installationId], [published], SourceCatalog.GitHub, environment, cancellationToken);
    }

    /// <summary>
    /// <c>verify: true</c>: a CI run names a tag it says it pushed; wait until the registry has it.
    /// Throwing makes the worker retry the delivery with backoff, a bounded number of times.
    /// </summary>
    private async Task<IReadOnlyList<ImagePublished>> VerifiedAsync(IReadOnlyList<ImagePublished> images, CancellationToken cancellationToken)
    {
        foreach (var image in images.Where(i => i.Verify))
        {
            if (!await registry.TagExistsAsync(image.Image, cancellationToken))
            {
                throw new TagNotYetPublishedException(image.Image);
            }
        }

        return images;
    }

    private static string? MissingTemplateValue(string template, CiCompletion run) =>
        template.Contains("{sha", StringComparison.Ordinal) && string.IsNullOrEmpty(run.Commit) ? "the commit SHA"
        : template.Contains("{run}", StringComparison.Ordinal) && run.RunNumber is null ? "the run number"
        : template.Contains("{branch}", StringComparison.Ordinal) && string.IsNullOrEmpty(run.Branch) ? "the branch"
        : template.Contains("{tag}", StringComparison.Ordinal) ? "a git tag"
        : null;
}
