using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;
using GitOpsBridge.Core.Planning;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>
/// <c>environments.&lt;env&gt;.pin</c>: the config's pins take the place of the desired versions of
/// the images they name. A config pin has no delivery; it stands in the desired list under a
/// delivery id of its own (<see cref="ConfigPinPrefix"/>), which never gets an outcome.
/// </summary>
internal sealed partial class TargetReconciler
{
    /// <summary>The delivery id a config pin stands under in the reconcile; no stored delivery has it (ids never contain a space).</summary>
    internal const string ConfigPinPrefix = "config pin ";

    internal static bool IsConfigPin(DesiredImage image) => image.DeliveryId.StartsWith(ConfigPinPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The desired list with the config's pins in place of the versions of the images they pin. The
    /// deliveries whose versions a pin replaces are recorded as skipped (pinned), if still pending.
    /// </summary>
    private async Task<List<DesiredImage>> WithConfigPinsAsync(List<DesiredImage> desired, RepositoryConfig config, EnvironmentConfig env, TargetKey target,
        Dictionary<string, TargetControl> pinned, CancellationToken cancellationToken)
    {
        if (env.Pins.Count == 0)
        {
            return desired;
        }

        var now = time.GetUtcNow();
        var pins = new List<DesiredImage>();
        foreach (var (alias, version) in env.Pins)
        {
            if (config.Images.TryGetValue(alias, out var image) && ImageReference.TryParseRepository(image.Repository, out var name, out _))
            {
                pins.Add(new DesiredImage(name, version, null, ConfigPinPrefix + alias, new Provenance(null, null, null, null), now));
                pinned[name] = new TargetControl(TargetControlKinds.Pinned, name, version, null, null, now);
            }
        }

        foreach (var replaced in desired.Where(d => pins.Any(p => p.ImageName == d.ImageName)))
        {
            var alias = config.Images.Values.First(i => ImageReference.TryParseRepository(i.Repository, out var n, out _) && n == replaced.ImageName);
            await RecordIfPendingAsync(replaced, target, ReasonCodes.Pinned, DeliveryProcessor.ConfigPinReason(env, alias)!, cancellationToken);
        }

        return [.. desired.Where(d => pins.All(p => p.ImageName != d.ImageName)), .. pins];
    }

    /// <summary>The provenance line of a config pin in the pull request body.</summary>
    private static string ConfigPinNote(string environment, DesiredImage image, string? old) =>
        $" · pinned to `{image.Tag}` by `environments.{environment}.pin` in `{RepositoryConfig.FilePath}`"
        + (old is null ? "" : $" (from `{old}`; an intentional downgrade when lower)")
        + "; newer versions wait until the pin is removed\n";
}
