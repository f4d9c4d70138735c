namespace GitOpsBridge.GitHub;

/// <summary>An installation of the App.</summary>
/// <param name="Id">The installation id.</param>
/// <param name="Account">The login of the user or organization it is installed on.</param>
public sealed record InstallationInfo(long Id, string Account);
