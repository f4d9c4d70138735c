using System.Text.Json;
using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Sources;

/// <summary>
/// A JSON value with the dotted path that reached it, so a CI parser can say exactly which field of a
/// vendor's body has the wrong type (<c>object_attributes.status must be a string, not a number</c>).
/// </summary>
/// <remarks>
/// Every accessor treats a missing member and an explicit <c>null</c> alike: vendors omit optional
/// fields in some versions and send <c>null</c> in others. A member of the wrong type throws
/// <see cref="CiPayloadException"/>, which <see cref="CiPayloads.Parse"/> turns into a rejection.
/// </remarks>
internal readonly record struct CiJson(JsonElement Element, string Path)
{
    /// <summary>The options every CI body is read with: JSON as the vendors write it, nothing lenient beyond that.</summary>
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>The member <paramref name="name"/> as an object, or <see langword="null"/> when absent.</summary>
    public CiJson? Object(string name) => Member(name, JsonValueKind.Object, "an object");

    /// <summary>The member <paramref name="name"/> as an object; absent is an error.</summary>
    public CiJson RequireObject(string name) => Object(name) ?? throw Missing(name);

    /// <summary>The member <paramref name="name"/> as an array, or <see langword="null"/> when absent.</summary>
    public CiJson? Array(string name) => Member(name, JsonValueKind.Array, "an array");

    /// <summary>This value, which must be an object (an array element, say).</summary>
    public CiJson AsObject() => Element.ValueKind == JsonValueKind.Object ? this : throw WrongKind(this, "an object");

    /// <summary>The elements of this array, each with its index in the path.</summary>
    public IEnumerable<CiJson> Items()
    {
        var index = 0;
        foreach (var item in Element.EnumerateArray())
        {
            yield return new CiJson(item, $"{Path}[{index++}]");
        }
    }

    /// <summary>The member <paramref name="name"/> as a string; absent, <c>null</c> and empty read as <see langword="null"/>.</summary>
    public string? String(string name) => Member(name, JsonValueKind.String, "a string") is { } member
        && member.Text() is { Length: > 0 } text ? text : null;

    /// <summary>This string value, decoded.</summary>
    public string Text()
    {
        try
        {
            return Element.GetString() ?? "";
        }
        catch (InvalidOperationException) when (Element.ValueKind == JsonValueKind.String)
        {
            // Valid JSON can escape a lone surrogate ("\ud800"), which no .NET string decodes to.
            throw new CiPayloadException(Path, "must be text, but holds an invalid escape (a lone UTF-16 surrogate)");
        }
    }

    /// <summary>The member <paramref name="name"/> as a non-empty string; anything else is an error.</summary>
    public string RequireString(string name) => String(name) ?? throw Missing(name);

    /// <summary>The member <paramref name="name"/> as a whole number, or <see langword="null"/> when absent.</summary>
    public long? Integer(string name)
    {
        if (Member(name, JsonValueKind.Number, "a whole number") is not { } member)
        {
            return null;
        }

        return member.Element.TryGetInt64(out var value)
            ? value
            : throw new CiPayloadException(member.Path, $"must be a whole number, not {DiagnosticText.Quote(member.Element.GetRawText(), DiagnosticText.ComponentLimit)}");
    }

    /// <summary>
    /// The member <paramref name="name"/> as a whole number written either as a JSON number or as a
    /// string of digits; some producers (Spinnaker's <c>BuildInfo.number</c>) changed from one to the other.
    /// </summary>
    public long? IntegerOrDigits(string name)
    {
        if (Child(name) is not { } member || member.Element.ValueKind != JsonValueKind.String)
        {
            return Integer(name);
        }

        var text = member.Text();
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CiPayloadException(member.Path, $"must be a whole number, not {DiagnosticText.Quote(text, DiagnosticText.ComponentLimit)}");
    }

    /// <summary>The member <paramref name="name"/> as a boolean, or <see langword="null"/> when absent.</summary>
    public bool? Boolean(string name)
    {
        if (Child(name) is not { } member)
        {
            return null;
        }

        return member.Element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongKind(member, "true or false"),
        };
    }

    /// <summary>
    /// A commit SHA from <paramref name="name"/>: a full SHA-1 or SHA-256 in hex. A value that is not
    /// one is an error, because a tag template's <c>{sha}</c> would otherwise render garbage.
    /// </summary>
    public string? Commit(string name)
    {
        var text = String(name);
        return text is null || CiText.IsCommitSha(text)
            ? text
            : throw new CiPayloadException(PathOf(name), $"must be a full commit SHA (40 or 64 hex characters), not {DiagnosticText.Quote(text, DiagnosticText.ComponentLimit)}");
    }

    /// <summary>The member <paramref name="name"/> of any kind, or <see langword="null"/> when absent or <c>null</c>.</summary>
    public CiJson? Child(string name)
    {
        JsonElement value;
        try
        {
            if (!Element.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
        }
        catch (InvalidOperationException) when (Element.ValueKind == JsonValueKind.Object)
        {
            // Looking a name up decodes the escaped names it is compared with; see Text().
            throw new CiPayloadException(Path.Length == 0 ? "the body" : Path, "has a member name with an invalid escape (a lone UTF-16 surrogate)");
        }

        return new CiJson(value, PathOf(name));
    }

    /// <summary>An error for a member that must be there and is not.</summary>
    public CiPayloadException Missing(string name) => new(PathOf(name), "is missing; the vendor always sends it");

    /// <summary>Names a JSON kind for a message: "an array", "a number".</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private CiJson? Member(string name, JsonValueKind kind, string expected)
    {
        if (Child(name) is not { } member)
        {
            return null;
        }

        return member.Element.ValueKind == kind ? member : throw WrongKind(member, expected);
    }

    private static CiPayloadException WrongKind(CiJson member, string expected) =>
        new(member.Path, $"must be {expected}, not {Describe(member.Element.ValueKind)}");

    private string PathOf(string name) => Path.Length == 0 ? name : Path + "." + name;
}

/// <summary>A CI body has a field of the wrong shape; becomes a <c>invalid-payload</c> rejection naming <see cref="Field"/>.</summary>
internal sealed class CiPayloadException(string field, string problem) : Exception($"{field} {problem}")
{
    /// <summary>The dotted path of the offending field, <c>(body)</c> for the whole body.</summary>
    public string Field { get; } = field;
}
