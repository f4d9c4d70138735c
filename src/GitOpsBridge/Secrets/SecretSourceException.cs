namespace GitOpsBridge.Secrets;

/// <summary>A secret source (Key Vault, the setup store) holds secrets but could not be read or written. The message never holds a secret value.</summary>
public sealed class SecretSourceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SecretSourceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public SecretSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
