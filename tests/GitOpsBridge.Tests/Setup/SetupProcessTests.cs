using System.Net;
using System.Text.Json;
using GitOpsBridge.GitHubEmulator;
using GitOpsBridge.Secrets;
using GitOpsBridge.Tests.Service;

namespace GitOpsBridge.Tests.Setup;

/// <summary>First-run setup end to end: the real service process, started with no GitHub keys, against the emulator.</summary>
public sealed class SetupProcessTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Serve_NoKeys_SetupThroughTheManifestFlowThenWebhooksAcceptedWithoutRestart()
    {
        // The emulator makes its own App key, so the service can only have it from the conversion.
        const string webhookSecret = "e2e-webhook-secret-3d8a";
        var port = BridgeServer.FreePort();
        await using var github = await GitHubEmulator.GitHubEmulator.StartAsync(new GitHubEmulatorOptions
        {
            WebhookSecret = webhookSecret,
            WebhookUrl = new Uri($"http://127.0.0.1:{port}/api/github/webhooks"),
        });
        await github.CreateRepositoryAsync("acme", "gitops", new Dictionary<string, string> { ["README.md"] = "gitops\n" });
        github.CreateInstallation("acme", "gitops");
        var dataDir = Directory.CreateTempSubdirectory("setup-e2e-").FullName;
        try
        {
            await using var bridge = await BridgeProcess.StartAsync(github, port, dataDir, new Dictionary<string, string>
            {
                ["GitHub__AppId"] = "",
                ["GitHub__PrivateKey"] = "",
                ["GitHub__WebhookSecret"] = "",
            });
            var token = await WaitForTokenAsync(bridge);
            using var browser = new SetupBrowser(new Uri($"http://127.0.0.1:{port}"));

            using var early = await bridge.Client.SendAsync(SignedWebhook.Create(webhookSecret));
            var earlyBody = await early.Content.ReadAsStringAsync();
            using var withoutToken = await browser.GetAsync("/");
            var form = await browser.OpenWithTokenAsync(token);
            var code = github.CreateManifestCode(form.ManifestJson);
            var (status, html) = await browser.CallbackAsync(code, form.State);
            using var late = await bridge.Client.SendAsync(SignedWebhook.Create(webhookSecret));
            using var gone = await browser.GetAsync("/");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
            Assert.Contains("setup is not complete", earlyBody, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, withoutToken.StatusCode);
            Assert.Equal(new Uri(github.BaseAddress, "settings/apps/new").AbsoluteUri, form.Action.GetLeftPart(UriPartial.Path));
            Assert.Equal($"http://127.0.0.1:{port}/api/github/webhooks", form.Manifest["hook_attributes"]!["url"]!.GetValue<string>());
            Assert.Equal($"http://127.0.0.1:{port}/setup/callback", form.Manifest["redirect_url"]!.GetValue<string>());
            Assert.Equal(
                """{"contents":"write","pull_requests":"write","metadata":"read","packages":"read","actions":"read","checks":"write","statuses":"read","deployments":"write"}""",
                form.Manifest["default_permissions"]!.ToJsonString());
            Assert.True(status == HttpStatusCode.OK, $"callback answered {status}: {html}\n{bridge.Output}");
            Assert.Equal(HttpStatusCode.Accepted, late.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

            var file = Path.Combine(dataDir, FileSetupSecretStore.FileName);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            using var stored = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            Assert.Equal(github.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture), stored.RootElement.GetProperty(SecretKeys.AppId).GetString());
            Assert.Equal(github.PrivateKeyPem, stored.RootElement.GetProperty(SecretKeys.PrivateKey).GetString());
            Assert.Equal(webhookSecret, stored.RootElement.GetProperty(SecretKeys.WebhookSecret).GetString());
            Assert.DoesNotContain(webhookSecret, bridge.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", bridge.Output, StringComparison.Ordinal);
            github.AssertNoSpecViolations();
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<string> WaitForTokenAsync(BridgeProcess bridge)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (SetupBrowser.TokenIn(bridge.Output) is { } token)
            {
                return token;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no setup token in the log:\n{bridge.Output}");
            await Task.Delay(50);
        }
    }
}
