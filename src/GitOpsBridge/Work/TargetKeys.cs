using System.Text.Json;
using GitOpsBridge.Storage;

namespace GitOpsBridge.Work;

/// <summary>Targets as job keys: JSON, because branch names may contain any separator we could pick.</summary>
internal static class TargetKeys
{
    public static string ToJobKey(TargetKey target) => JsonSerializer.Serialize(target);

    public static TargetKey FromJobKey(string key) => JsonSerializer.Deserialize<TargetKey>(key) ?? throw new FormatException("empty target key");

    /// <summary>The bridge's branch for a target: one per environment and base.</summary>
    public static string BranchFor(TargetKey target, string defaultBranch) =>
        target.BaseBranch == defaultBranch ? $"gitops-bridge/{target.Environment}" : $"gitops-bridge/{target.Environment}/{target.BaseBranch}";
}
