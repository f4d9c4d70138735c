using System.Globalization;
using GitOpsBridge.GitHub;
using GitOpsBridge.Secrets;
using Octokit;
using Octokit.Internal;

namespace GitOpsBridge.Setup;

/// <summary>The App GitHub created from the manifest, as the setup store keeps it.</summary>
/// <param name="Id">The App id.</param>
/// <param name="Slug">The App's URL name.</param>
/// <param name="HtmlUrl">The App's page on GitHub.</param>
/// <param name="Secrets">The values to store, by <see cref="SecretKeys"/> key.</param>
internal sealed record ConvertedApp(long Id, string Slug, string HtmlUrl, IReadOnlyDictionary<string, string> Secrets);

/// <summary>A manifest code could not be exchanged; the message is safe to show.</summary>
internal sealed class ManifestConversionException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// <c>POST /app-manifests/{code}/conversions</c>: trades the one-hour code GitHub hands back after
/// the manifest form for the App's id, private key and webhook secret. The call needs no
/// authentication; the code itself is the credential.
/// https://docs.github.com/en/rest/apps/apps#create-a-github-app-from-a-manifest
/// </summary>
internal static class ManifestConversion
{
    public static async Task<ConvertedApp> ConvertAsync(Uri apiRoot, string code, CancellationToken cancellationToken)
    {
        // Octokit's connection on the API root as given, like OctokitConnections: no /api/v3 rewriting.
        var connection = new Connection(new ProductHeaderValue("GitOpsBridge-setup"), apiRoot, new InMemoryCredentialStore(Credentials.Anonymous));
        var client = new GitHubClient(connection);
        GitHubAppFromManifest app;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            app = await client.GitHubApps.CreateAppFromManifest(code).ConfigureAwait(false);
        }
        catch (NotFoundException exception)
        {
            throw new ManifestConversionException("GitHub does not know this code (it is valid for one hour and only once); register the App again.", exception);
        }
        catch (ApiException exception)
        {
            throw new ManifestConversionException($"GitHub refused the code: HTTP {(int)exception.StatusCode} {exception.ApiError?.Message}".TrimEnd(), exception);
        }
        catch (HttpRequestException exception)
        {
            throw new ManifestConversionException($"GitHub's API at {apiRoot} cannot be reached: {exception.Message}", exception);
        }

        if (app.Id <= 0 || string.IsNullOrEmpty(app.Pem) || string.IsNullOrEmpty(app.WebhookSecret))
        {
            throw new ManifestConversionException("GitHub's answer lacks the App id, private key or webhook secret; register the App again.");
        }

        // Refuse a key that would only fail later, at the first JWT.
        GitHubKeys.Import(app.Pem, "the converted App's pem").Dispose();
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SecretKeys.AppId] = app.Id.ToString(CultureInfo.InvariantCulture),
            [SecretKeys.PrivateKey] = app.Pem,
            [SecretKeys.WebhookSecret] = app.WebhookSecret,
        };
        if (!string.IsNullOrEmpty(app.ClientId))
        {
            secrets[SecretKeys.ClientId] = app.ClientId;
        }

        if (!string.IsNullOrEmpty(app.ClientSecret))
        {
            secrets[SecretKeys.ClientSecret] = app.ClientSecret;
        }

        if (!string.IsNullOrEmpty(app.Slug))
        {
            secrets[SecretKeys.AppSlug] = app.Slug;
        }

        return new ConvertedApp(app.Id, app.Slug ?? "", app.HtmlUrl ?? "", secrets);
    }
}
