using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace GitOpsBridge.Dashboard;

/// <summary>Markup that is already safe HTML: written as is by <see cref="Html"/>.</summary>
/// <param name="Value">The HTML.</param>
internal readonly record struct Markup(string Value)
{
    public static readonly Markup Empty = new("");

    public override string ToString() => Value;
}

/// <summary>
/// Builds a page. Every value interpolated into <c>Add</c> is HTML-encoded (text and
/// attribute values alike); only a <see cref="Markup"/> goes in unencoded, so a delivery's reason,
/// a repository name or a query parameter can never become markup.
/// </summary>
internal sealed class Html
{
    internal StringBuilder Builder { get; } = new();

    /// <summary>Appends the interpolated string, encoding every hole that is not <see cref="Markup"/>.</summary>
    public Html Add([InterpolatedStringHandlerArgument("")] ref HtmlHandler handler)
    {
        _ = handler;
        return this;
    }

    /// <summary>Appends markup as is.</summary>
    public Html Add(Markup markup)
    {
        Builder.Append(markup.Value);
        return this;
    }

    /// <summary>The page built so far, as markup for a larger page.</summary>
    public Markup ToMarkup() => new(Builder.ToString());

    public override string ToString() => Builder.ToString();

    /// <summary>Markup from an interpolated string, holes encoded.</summary>
    public static Markup Of([InterpolatedStringHandlerArgument] ref HtmlHandler handler) => handler.ToMarkup();

    /// <summary>Encodes text for an element or a quoted attribute value.</summary>
    public static string Encode(string? text) => Encoder.Encode(text ?? "");

    // Every script's letters pass through as themselves (the page is UTF-8); markup characters never do.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
}

/// <summary>The interpolation handler behind <see cref="Html"/>: literals as is, values encoded.</summary>
[InterpolatedStringHandler]
internal readonly ref struct HtmlHandler
{
    private readonly StringBuilder _builder;

    public HtmlHandler(int literalLength, int formattedCount, Html html)
    {
        _ = literalLength + formattedCount;
        _builder = html.Builder;
    }

    public HtmlHandler(int literalLength, int formattedCount)
    {
        _builder = new StringBuilder(literalLength + (formattedCount * 16));
    }

    public void AppendLiteral(string literal) => _builder.Append(literal);

    public void AppendFormatted(Markup markup) => _builder.Append(markup.Value);

    public void AppendFormatted(string? text) => _builder.Append(Html.Encode(text));

    public void AppendFormatted<T>(T value) => _builder.Append(Html.Encode(Convert.ToString(value, CultureInfo.InvariantCulture)));

    public void AppendFormatted<T>(T value, string format)
        where T : IFormattable => _builder.Append(Html.Encode(value.ToString(format, CultureInfo.InvariantCulture)));

    internal Markup ToMarkup() => new(_builder.ToString());
}
