namespace GitOpsBridge.Core.Config;

/// <summary>
/// A tag policy. Exactly one form is set: <see cref="Semver"/> (with <see cref="Prerelease"/>),
/// <see cref="Pattern"/> (with <see cref="Extract"/> and <see cref="Order"/>), or <see cref="Any"/>.
/// </summary>
/// <param name="Semver">An npm-style semver range such as <c>^1.4</c>; already validated.</param>
/// <param name="Prerelease">Whether prerelease versions satisfy <see cref="Semver"/>; false unless the semver form is used.</param>
/// <param name="Pattern">A .NET regular expression the whole tag must match; already compiled once.</param>
/// <param name="Extract">Named group of <see cref="Pattern"/> whose value is ordered; <see langword="null"/> orders the whole tag.</param>
/// <param name="Order">How extracted values are ordered; meaningful only with <see cref="Pattern"/>.</param>
/// <param name="Any">True for <c>{ any: true }</c>: every tag is accepted.</param>
public sealed record PolicyConfig(string? Semver, bool Prerelease, string? Pattern, string? Extract, PatternOrder Order, bool Any);
