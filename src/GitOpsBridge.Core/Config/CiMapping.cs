namespace GitOpsBridge.Core.Config;

/// <summary>Which CI builds produce an image, and which tag such a build pushes.</summary>
/// <param name="Repository">Source repository or project path, e.g. <c>acme/api</c>.</param>
/// <param name="Workflow">Workflow file or pipeline name; <see langword="null"/> matches any.</param>
/// <param name="Branches">Branches whose builds count; empty matches any branch.</param>
/// <param name="Tag">Tag template with placeholders <c>{sha}</c>, <c>{sha:N}</c>, <c>{run}</c>, <c>{branch}</c>, <c>{tag}</c>; already validated.</param>
/// <param name="Verify">Whether to wait until the tag exists in the registry before acting.</param>
public sealed record CiMapping(string Repository, string? Workflow, IReadOnlyList<string> Branches, string Tag, bool Verify);
