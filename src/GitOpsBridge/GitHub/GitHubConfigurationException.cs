namespace GitOpsBridge.GitHub;

/// <summary>A GitHub setting is missing or unusable. The message names the key to fix and never echoes a secret.</summary>
public sealed class GitHubConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GitHubConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public GitHubConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
