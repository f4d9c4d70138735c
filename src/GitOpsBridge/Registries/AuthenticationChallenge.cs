using System.Net.Http.Headers;
using System.Text;

namespace GitOpsBridge.Registries;

/// <summary>
/// One <c>WWW-Authenticate</c> challenge: its scheme and its auth-params
/// (<see href="https://www.rfc-editor.org/rfc/rfc9110#name-challenge-and-response">RFC 9110 §11.1</see>).
/// A registry's Bearer challenge carries <c>realm</c>, <c>service</c> and <c>scope</c>
/// (<see href="https://distribution.github.io/distribution/spec/auth/token/">token authentication</see>).
/// </summary>
/// <param name="Scheme">The scheme, e.g. <c>Bearer</c> or <c>Basic</c>.</param>
/// <param name="Parameters">The auth-params, names matched ignoring case.</param>
internal sealed record AuthenticationChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>Whether the scheme is <paramref name="scheme"/>, ignoring case.</summary>
    public bool Is(string scheme) => string.Equals(Scheme, scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>The parameter <paramref name="name"/>, or null.</summary>
    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>The first challenge of a scheme this client speaks (Bearer before Basic), or null.</summary>
    public static AuthenticationChallenge? Select(HttpHeaderValueCollection<AuthenticationHeaderValue> headers)
    {
        var challenges = headers.Select(header => new AuthenticationChallenge(header.Scheme, ParseParameters(header.Parameter))).ToList();
        return challenges.FirstOrDefault(c => c.Is("Bearer")) ?? challenges.FirstOrDefault(c => c.Is("Basic"));
    }

    /// <summary>
    /// Reads <c>name=token</c> and <c>name="quoted, string"</c> pairs separated by commas. Quoted
    /// values may hold commas (<c>scope="repository:a:pull,push"</c>) and backslash escapes.
    /// Anything that is not a pair is skipped rather than failing the whole challenge.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseParameters(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(text))
        {
            return result;
        }

        var index = 0;
        while (index < text.Length)
        {
            while (index < text.Length && (text[index] == ',' || char.IsWhiteSpace(text[index])))
            {
                index++;
            }

            var nameStart = index;
            while (index < text.Length && text[index] != '=' && text[index] != ',')
            {
                index++;
            }

            var name = text[nameStart..index].Trim();
            if (index >= text.Length || text[index] != '=')
            {
                continue;
            }

            index++;
            while (index < text.Length && char.IsWhiteSpace(text[index]))
            {
                index++;
            }

            string value;
            if (index < text.Length && text[index] == '"')
            {
                index++;
                var builder = new StringBuilder();
                while (index < text.Length && text[index] != '"')
                {
                    if (text[index] == '\\' && index + 1 < text.Length)
                    {
                        index++;
                    }

                    builder.Append(text[index]);
                    index++;
                }

                index++;
                value = builder.ToString();
            }
            else
            {
                var valueStart = index;
                while (index < text.Length && text[index] != ',')
                {
                    index++;
                }

                value = text[valueStart..index].Trim();
            }

            if (name.Length > 0)
            {
                result[name] = value;
            }
        }

        return result;
    }
}
