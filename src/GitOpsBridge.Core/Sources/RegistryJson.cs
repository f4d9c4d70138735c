using System.Text.Json;
using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Sources;

/// <summary>
/// A JSON value read from a registry payload, with the path it was read from, so that a wrong shape
/// is rejected with a reason that names the field (<c>'event_data.resources[0].tag' must be a string, not a number</c>).
/// </summary>
/// <remarks>
/// Every accessor checks the value's kind before it reads it: <see cref="JsonElement"/> would throw
/// <see cref="InvalidOperationException"/> on a mismatch, and an untrusted body must never do that.
/// JSON <c>null</c> counts as absent, as senders write <c>"tag": null</c> for "no tag".
/// </remarks>
internal readonly record struct RegistryJson(JsonElement Element, string Path)
{
    /// <summary>Wraps the root of a document.</summary>
    public static RegistryJson Root(JsonElement element) => new(element, string.Empty);

    /// <summary>The value's name for a reason: the quoted path, or "the body".</summary>
    public string Name => Path.Length == 0 ? "the body" : "'" + Path + "'";

    /// <summary>The path of a member of this value.</summary>
    public string ChildPath(string name) => Path.Length == 0 ? name : Path + "." + name;

    public bool IsObject => Element.ValueKind == JsonValueKind.Object;

    public bool IsArray => Element.ValueKind == JsonValueKind.Array;

    public bool IsString => Element.ValueKind == JsonValueKind.String;

    /// <summary>This value, which must be an object.</summary>
    public RegistryJson AsObject() => IsObject ? this : throw WrongKind("an object");

    /// <summary>This value's items, which must be an array.</summary>
    public IReadOnlyList<RegistryJson> AsArray()
    {
        if (!IsArray)
        {
            throw WrongKind("an array");
        }

        var items = new List<RegistryJson>(Element.GetArrayLength());
        int index = 0;
        foreach (JsonElement item in Element.EnumerateArray())
        {
            items.Add(new RegistryJson(item, Path + "[" + index++ + "]"));
        }

        return items;
    }

    /// <summary>This value, which must be a string.</summary>
    public string AsString() => IsString ? Element.GetString()! : throw WrongKind("a string");

    /// <summary>A member of this object, or <see langword="null"/> when it is absent or JSON null.</summary>
    public RegistryJson? Optional(string name)
    {
        if (!AsObject().Element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return new RegistryJson(value, ChildPath(name));
    }

    /// <summary>A member of this object that must be present.</summary>
    public RegistryJson Required(string name) =>
        Optional(name) ?? throw new RegistryPayloadException(
            RegistryReasons.InvalidPayload,
            $"'{ChildPath(name)}' is missing");

    public RegistryJson Object(string name) => Required(name).AsObject();

    public RegistryJson? OptionalObject(string name) => Optional(name)?.AsObject();

    public IReadOnlyList<RegistryJson> Array(string name) => Required(name).AsArray();

    public string String(string name) => Required(name).AsString();

    public string? OptionalString(string name) => Optional(name)?.AsString();

    /// <summary>A member that must be a non-empty string.</summary>
    public string NonEmptyString(string name)
    {
        string value = String(name);
        return value.Length > 0
            ? value
            : throw new RegistryPayloadException(RegistryReasons.InvalidPayload, $"'{ChildPath(name)}' is empty");
    }

    /// <summary>A member that may be absent; an empty string counts as absent.</summary>
    public string? OptionalNonEmptyString(string name) => OptionalString(name) is { Length: > 0 } value ? value : null;

    private RegistryPayloadException WrongKind(string expected) =>
        new(RegistryReasons.InvalidPayload, $"{Name} must be {expected}, not {Describe(Element)}");

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "the string " + DiagnosticText.Quote(element.GetString()!, DiagnosticText.ComponentLimit),
        JsonValueKind.Number => "the number " + DiagnosticText.Shorten(element.GetRawText(), DiagnosticText.ComponentLimit),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };
}
