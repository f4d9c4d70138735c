using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using GitOpsBridge.Secrets;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;

namespace GitOpsBridge.Dashboard;

/// <summary>
/// The dashboard's session: a cookie (HttpOnly, SameSite=Strict, Secure on HTTPS, path
/// <c>/dashboard</c>) holding a ticket that ASP.NET Core Data Protection signs and encrypts with
/// keys kept in the data directory, so sessions survive a restart. A session is bound to the admin
/// token it was opened with: rotating <c>Admin:Token</c> ends every session.
/// </summary>
internal static class DashboardAuth
{
    public const string Scheme = "GitOpsBridge.Dashboard";
    public const string CookieName = "gitops_bridge_dashboard";
    public const string AntiforgeryCookieName = "gitops_bridge_csrf";
    public const string AntiforgeryField = "__csrf";

    private const string TokenClaim = "admin-token-sha256";

    public static IServiceCollection AddDashboardAuth(this IServiceCollection services, string dataDirectory)
    {
        var keys = Path.Combine(dataDirectory, "keys");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(keys);
        }
        else
        {
            // Whoever reads the keys can forge a session: owner only.
            Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        services.AddDataProtection().SetApplicationName("gitops-bridge").PersistKeysToFileSystem(new DirectoryInfo(keys));
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.Path = "/dashboard";
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = AntiforgeryCookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.Path = "/dashboard";
            options.FormFieldName = AntiforgeryField;
        });
        return services;
    }

    /// <summary>The configured admin token, or null when the dashboard is disabled.</summary>
    public static ValueTask<string?> AdminTokenAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<ISecretProvider>().GetAsync(SecretKeys.AdminToken, context.RequestAborted);

    /// <summary>Whether <paramref name="presented"/> is the admin token, in time that does not depend on where they differ.</summary>
    public static bool Matches(string? presented, string expected) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), Hash(expected));

    /// <summary>Whether the request carries a session opened with the current admin token.</summary>
    public static async Task<bool> HasSessionAsync(HttpContext context, string adminToken)
    {
        var result = await context.AuthenticateAsync(Scheme);
        var claim = result.Succeeded ? result.Principal?.FindFirst(TokenClaim)?.Value : null;
        return claim is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(claim), Encoding.ASCII.GetBytes(Convert.ToHexStringLower(Hash(adminToken))));
    }

    public static Task SignInAsync(HttpContext context, string adminToken)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(TokenClaim, Convert.ToHexStringLower(Hash(adminToken)))], Scheme);
        return context.SignInAsync(Scheme, new ClaimsPrincipal(identity));
    }

    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
