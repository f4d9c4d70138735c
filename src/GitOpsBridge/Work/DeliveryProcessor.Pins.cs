using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Lifecycle;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>Pins: <c>/gitops-bridge pin [&lt;image&gt;] &lt;version&gt;</c> and <c>environments.&lt;env&gt;.pin</c> in the config.</summary>
internal sealed partial class DeliveryProcessor
{
    /// <summary>
    /// The image a <c>pin</c> command is about: the one it names (by alias or image name), or the
    /// environment's only image. Replies and returns null when there is none, or when the config pins it.
    /// </summary>
    private static async Task<ImageConfig?> PinnedImageAsync(TargetKey target, EnvironmentConfig env, RepositoryConfig config, string login, string? image,
        Func<DeliveryStatus, string, string, string, Task> replyAsync)
    {
        var aliases = env.Files.Select(f => f.Image).Distinct(StringComparer.Ordinal).Select(a => config.Images[a]).ToList();
        var names = string.Join(", ", aliases.Select(a => a.Alias));
        ImageConfig? alias;
        if (image is null)
        {
            if (aliases.Count != 1)
            {
                await replyAsync(DeliveryStatus.Skipped, "invalid-command", $"pin asked by @{login}: {target.Environment} has {aliases.Count} images",
                    $"nothing happened: **{target.Environment}** deploys {aliases.Count} images ({names}); name the image: `{PullRequestCommand.Prefix} pin <image> <version>`.");
                return null;
            }

            alias = aliases[0];
        }
        else
        {
            alias = aliases.FirstOrDefault(a => a.Alias == image) ?? aliases.FirstOrDefault(a => SameImage(a.Repository, image));
            if (alias is null)
            {
                await replyAsync(DeliveryStatus.Skipped, "invalid-command", $"pin asked by @{login}: {target.Environment} does not deploy {image}",
                    $"nothing happened: **{target.Environment}** does not deploy `{image}`; its images are {names}.");
                return null;
            }
        }

        if (env.Pins.TryGetValue(alias.Alias, out var configured))
        {
            await replyAsync(DeliveryStatus.Skipped, Core.Planning.ReasonCodes.Pinned, $"pin asked by @{login}: {alias.Alias} is pinned in the config",
                $"nothing happened: `{RepositoryConfig.FilePath}` pins `{alias.Alias}` to `{configured}` (environments.{env.Name}.pin); change it there.");
            return null;
        }

        return alias;
    }

    /// <summary>Why an event does not move an image the config pins; null when it does not pin it.</summary>
    internal static string? ConfigPinReason(EnvironmentConfig env, ImageConfig alias) =>
        env.Pins.TryGetValue(alias.Alias, out var version)
            ? $"{env.Name} is pinned to {alias.Alias} {version} by environments.{env.Name}.pin in {RepositoryConfig.FilePath}; newer versions wait until the pin is removed from the config"
            : null;

    private static bool SameImage(string repository, string image) =>
        ImageReference.TryParseRepository(repository, out var a, out _) && ImageReference.TryParseRepository(image, out var b, out _) && a == b;
}
