namespace GitOpsBridge.Core.Config;

/// <summary>
/// Where an image lives in Helm values. Either <see cref="Path"/> is set (a values group with
/// <c>registry</c>/<c>repository</c>/<c>tag</c>/<c>digest</c> keys, or a single <c>repo:tag</c> string),
/// or explicit key paths are (at least <see cref="Tag"/> or <see cref="Digest"/>). All are YAML paths:
/// dot-separated keys with <c>[index]</c> or <c>[field=value]</c> selectors.
/// </summary>
/// <param name="Path">Path of the group or string.</param>
/// <param name="Tag">Path of the tag.</param>
/// <param name="Repository">Path of the repository.</param>
/// <param name="Registry">Path of the registry host.</param>
/// <param name="Digest">Path of the digest.</param>
public sealed record HelmTarget(string? Path, string? Tag, string? Repository, string? Registry, string? Digest);
