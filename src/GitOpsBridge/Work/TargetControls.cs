using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>Reading a target's <see cref="TargetControl"/>s: which versions people declined.</summary>
internal static class TargetControls
{
    /// <summary>
    /// The decline that covers exactly this version: the same image and tag, and the same digest
    /// when both sides know one (a CI event without a digest names the same build by its tag).
    /// </summary>
    public static TargetControl? Declined(IReadOnlyList<TargetControl> controls, string imageName, string? tag, string? digest) =>
        controls.FirstOrDefault(c => c.Kind == TargetControlKinds.Declined && c.ImageName == imageName && c.Tag == tag
            && (c.Digest is null || digest is null || c.Digest == digest));

    /// <summary>Why a declined version is skipped, and how to undo it.</summary>
    public static string DeclinedReason(TargetControl declined, string environment) =>
        $"{declined.ImageName}:{declined.Tag ?? declined.Digest} was declined for {environment}"
        + (declined.Actor is null ? "" : $" by @{declined.Actor}")
        + " (its pull request was closed without merging); a newer version opens a new pull request, and reopening the closed pull request deploys this one after all";
}
