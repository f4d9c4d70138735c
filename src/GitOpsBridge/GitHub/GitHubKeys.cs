using System.Security.Cryptography;

namespace GitOpsBridge.GitHub;

/// <summary>Loads the App's private key.</summary>
public static class GitHubKeys
{
    /// <summary>
    /// Reads the PEM from <see cref="GitHubOptions.PrivateKey"/> or else
    /// <see cref="GitHubOptions.PrivateKeyPath"/> and imports it. GitHub hands out PKCS#1
    /// (<c>BEGIN RSA PRIVATE KEY</c>); PKCS#8 (<c>BEGIN PRIVATE KEY</c>) works too. A key pasted into an
    /// environment variable with literal <c>\n</c> sequences is accepted.
    /// </summary>
    /// <exception cref="GitHubConfigurationException">
    /// No key is set, the file cannot be read, or the text is not an unencrypted RSA private key. The
    /// message never contains the key text.
    /// </exception>
    public static RSA LoadPrivateKey(GitHubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string pem, source;
        if (!string.IsNullOrWhiteSpace(options.PrivateKey))
        {
            pem = options.PrivateKey;
            source = "GitHub:PrivateKey";
        }
        else if (!string.IsNullOrWhiteSpace(options.PrivateKeyPath))
        {
            source = $"GitHub:PrivateKeyPath ('{options.PrivateKeyPath}')";
            try
            {
                pem = File.ReadAllText(options.PrivateKeyPath);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                throw new GitHubConfigurationException($"{source} cannot be read: {exception.Message}", exception);
            }
        }
        else
        {
            throw new GitHubConfigurationException(
                "The GitHub App's private key is not set: set GitHub:PrivateKey to the PEM text or GitHub:PrivateKeyPath to the .pem file GitHub gave you.");
        }

        return Import(pem, source);
    }

    /// <summary>
    /// Imports PEM text (PKCS#1 or PKCS#8, literal <c>\n</c> sequences accepted) as an RSA key.
    /// <paramref name="source"/> names where the text came from in error messages.
    /// </summary>
    /// <exception cref="GitHubConfigurationException">The text is not an unencrypted RSA private key; the message never contains the text.</exception>
    public static RSA Import(string pem, string source)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!pem.Contains('\n', StringComparison.Ordinal) && pem.Contains("\\n", StringComparison.Ordinal))
        {
            pem = pem.Replace("\\n", "\n", StringComparison.Ordinal);
        }

        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new GitHubConfigurationException(
                $"{source} holds no PEM block; expected the text of the .pem file GitHub gave you, starting '-----BEGIN RSA PRIVATE KEY-----' (a file name belongs in GitHub:PrivateKeyPath).");
        }

        var label = pem[fields.Label];
        if (label is not ("RSA PRIVATE KEY" or "PRIVATE KEY"))
        {
            throw new GitHubConfigurationException(
                $"{source} holds a '{label}' PEM block; expected an unencrypted RSA private key ('RSA PRIVATE KEY' as GitHub hands it out, or 'PRIVATE KEY').");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new GitHubConfigurationException($"{source} is not a valid RSA private key: the '{label}' block does not decode.", exception);
        }
    }
}
