namespace GitOpsBridge.Core.Yaml;

/// <summary>
/// An edit the bridge will not make, or a file it cannot edit safely. The message is shown to users
/// as the reason nothing changed, so it says what was found and where.
/// </summary>
public sealed class ManifestEditException(string message) : Exception(message);
