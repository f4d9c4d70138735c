using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GitOpsBridge.Registries;

/// <summary>Registers <see cref="IRegistryClient"/>.</summary>
public static class RegistryServiceCollectionExtensions
{
    /// <summary>The name of the HttpClient the registry client uses (from IHttpClientFactory).</summary>
    public const string HttpClientName = "GitOpsBridge.Registries";

    /// <summary>
    /// Adds <see cref="IRegistryClient"/> as a singleton (its token cache, digest cache and rate
    /// limit live as long as the service), with <see cref="RegistryOptions"/> bound from the
    /// <c>Registries</c> section of <paramref name="configuration"/> and validated at start-up.
    /// A <see cref="TimeProvider"/> and a <see cref="TokenCredential"/> registered by the host are
    /// used; otherwise <see cref="TimeProvider.System"/> and, only once a host with
    /// <c>UseAzureIdentity</c> is called, a <see cref="DefaultAzureCredential"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration root holding the <c>Registries</c> section.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddRegistryClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RegistryOptions>()
            .Bind(configuration.GetSection(RegistryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>());
        services.AddHttpClient(HttpClientName, (sp, client) =>
            client.Timeout = sp.GetRequiredService<IOptions<RegistryOptions>>().Value.RequestTimeout);
        services.TryAddSingleton<IRegistryClient>(sp =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            return new RegistryClient(
                () => factory.CreateClient(HttpClientName),
                sp.GetRequiredService<IOptions<RegistryOptions>>().Value,
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                new Lazy<TokenCredential>(() => sp.GetService<TokenCredential>() ?? new DefaultAzureCredential()),
                sp.GetRequiredService<ILogger<RegistryClient>>());
        });
        return services;
    }
}
