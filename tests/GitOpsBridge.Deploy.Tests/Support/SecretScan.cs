using System.Text.RegularExpressions;

namespace GitOpsBridge.Deploy.Tests.Support;

/// <summary>
/// Finds secret values in rendered objects: Secrets that carry data, private keys, GitHub tokens,
/// long base64 or hex blobs, and literal values for settings whose names say they are secret.
/// </summary>
internal static partial class SecretScan
{
    public static IReadOnlyList<string> Find(IEnumerable<JsonObject> objects)
    {
        var findings = new List<string>();
        foreach (var o in objects)
        {
            var id = $"{(string?)o["kind"]}/{(string?)o["metadata"]?["name"]}";
            if ((string?)o["kind"] == "Secret" && (o["data"] is not null || o["stringData"] is not null))
            {
                findings.Add($"{id}: a Secret with data");
            }

            foreach (var (path, value) in YamlDocuments.Strings(o))
            {
                if (Describe(value) is { } reason)
                {
                    findings.Add($"{id} {path}: {reason}");
                }
            }

            foreach (var env in o.DescendantsNamed("env").SelectMany(e => e.AsArray()))
            {
                var name = (string?)env?["name"] ?? "";
                if (env?["value"] is not null && SecretName().IsMatch(name))
                {
                    findings.Add($"{id}: env {name} has a literal value");
                }
            }
        }

        return findings;
    }

    private static string? Describe(string value) =>
        value.Contains("PRIVATE KEY-----", StringComparison.Ordinal) ? "a PEM private key"
        : GitHubToken().IsMatch(value) ? "a GitHub token"
        : Base64Blob().IsMatch(value) ? "a long base64 value"
        : HexBlob().IsMatch(value) ? "a long hex value"
        : null;

    private static IEnumerable<JsonNode> DescendantsNamed(this JsonNode node, string name)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (child is null)
                    {
                        continue;
                    }

                    if (key == name && child is JsonArray)
                    {
                        yield return child;
                    }

                    foreach (var found in child.DescendantsNamed(name))
                    {
                        yield return found;
                    }
                }

                break;
            case JsonArray array:
                foreach (var found in array.OfType<JsonNode>().SelectMany(c => c.DescendantsNamed(name)))
                {
                    yield return found;
                }

                break;
        }
    }

    // https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
    [GeneratedRegex(@"\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})")]
    private static partial Regex GitHubToken();

    // Needs a digit and a letter, so long words and paths are not taken for keys.
    [GeneratedRegex(@"(?=[A-Za-z0-9+/]*[0-9])(?=[A-Za-z0-9+/]*[A-Za-z])[A-Za-z0-9+/]{40,}={0,2}")]
    private static partial Regex Base64Blob();

    [GeneratedRegex(@"\b[0-9a-fA-F]{32,}\b")]
    private static partial Regex HexBlob();

    [GeneratedRegex(@"(secret|token|password|privatekey$|connectionstring)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
