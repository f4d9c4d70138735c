using Microsoft.Extensions.Options;

namespace GitOpsBridge.Registries;

/// <summary>
/// Checks what data annotations cannot: per-host combinations. Each failure names the key to fix
/// and never echoes a password.
/// </summary>
internal sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (key, settings) in options.Hosts)
        {
            var prefix = $"{RegistryOptions.SectionName}:Hosts:{key}";
            var host = settings.Host ?? key;
            if (string.IsNullOrWhiteSpace(host))
            {
                failures.Add($"{prefix}:Host is empty; set it to the registry host, e.g. ghcr.io or 127.0.0.1:5000.");
                continue;
            }

            if (settings.Insecure && !RegistryHosts.IsLoopback(host))
            {
                failures.Add($"{prefix}:Insecure is true for {host}, which is not a loopback host; plain HTTP is allowed only for 127.0.0.0/8, localhost and [::1].");
            }

            if (string.IsNullOrEmpty(settings.Username) != string.IsNullOrEmpty(settings.Password))
            {
                failures.Add($"{prefix}: set both Username and Password, or neither.");
            }

            if (settings.UseAzureIdentity && !string.IsNullOrEmpty(settings.Username))
            {
                failures.Add($"{prefix}: UseAzureIdentity and Username are both set; choose Microsoft Entra ID or the registry's own credentials.");
            }

            if (settings.UseAzureIdentity && string.IsNullOrWhiteSpace(settings.AzureTokenScope))
            {
                failures.Add($"{prefix}:AzureTokenScope is empty; remove it to use {RegistryHostOptions.DefaultAzureTokenScope}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
