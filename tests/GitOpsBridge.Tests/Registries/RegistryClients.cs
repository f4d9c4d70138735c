using Azure.Core;
using GitOpsBridge.Registries;

namespace GitOpsBridge.Tests.Registries;

/// <summary>
/// Builds <see cref="IRegistryClient"/> the way the host does, through
/// <see cref="RegistryServiceCollectionExtensions.AddRegistryClient"/> and configuration keys.
/// </summary>
public static class RegistryClients
{
    /// <summary>
    /// A service provider whose <see cref="IRegistryClient"/> reaches <paramref name="registry"/> over
    /// plain HTTP, with <paramref name="settings"/> added as configuration (keys such as
    /// <c>Registries:Hosts:local:Username</c>; the entry for the registry is named <c>local</c>).
    /// </summary>
    public static ServiceProvider For(
        RegistryServer registry, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var values = new Dictionary<string, string?>
        {
            ["Registries:Hosts:local:Host"] = registry.Host,
            ["Registries:Hosts:local:Insecure"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        return Build(values, time, credential);
    }

    /// <summary>A service provider built from exactly <paramref name="values"/>.</summary>
    public static ServiceProvider Build(IReadOnlyDictionary<string, string?> values, TimeProvider? time = null, TokenCredential? credential = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        if (credential is not null)
        {
            services.AddSingleton(credential);
        }

        services.AddRegistryClient(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}

/// <summary>A Microsoft Entra credential that hands out a fixed token and counts the requests; it never contacts Azure.</summary>
/// <param name="token">The access token to hand out.</param>
public sealed class FixedTokenCredential(string token) : TokenCredential
{
    private int _requests;

    /// <summary>How many tokens were asked for.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The scopes and tenant of the last request.</summary>
    public TokenRequestContext LastContext { get; private set; }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        LastContext = requestContext;
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
