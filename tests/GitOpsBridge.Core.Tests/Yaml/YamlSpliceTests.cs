using GitOpsBridge.Core.Yaml;

namespace GitOpsBridge.Core.Tests.Yaml;

public sealed class YamlSpliceTests
{
    private static string Set(string text, string path, string value)
    {
        var yaml = YamlText.Parse(text);
        var splice = new YamlSplice(yaml);
        splice.SetScalar(yaml.AllNodes().OfType<YamlScalarNode>().First(s => s.Path == path && !s.IsKey), value);
        return splice.Apply();
    }

    [Theory]
    [InlineData("tag: \"0.1\"\n", "tag: \"0.2\"\n")]
    [InlineData("tag: '0.1'\n", "tag: '0.2'\n")]
    [InlineData("tag: v1 # keep me\n", "tag: v2 # keep me\n")]
    public void SetScalar_KeepsQuotesAndComments(string before, string after)
    {
        var value = after.Contains('v', StringComparison.Ordinal) ? "v2" : "0.2";

        Assert.Equal(after, Set(before, "tag", value));
    }

    [Theory]
    [InlineData("1.10")]
    [InlineData("1e3")]
    [InlineData("true")]
    [InlineData("no")]
    [InlineData("0x1F")]
    [InlineData("null")]
    [InlineData("012")]
    public void SetScalar_ValueThatLooksLikeNonString_IsWrittenQuoted(string value)
    {
        Assert.Equal($"tag: \"{value}\"\n", Set("tag: v1\n", "tag", value));
    }

    [Fact]
    public void SetScalar_PlainFloatReplacedByString_QuotesIt()
    {
        // The argo-cd fixture's "tag: 0.1" is a float; its replacement must stay a string.
        Assert.Equal("image:\n  tag: \"0.2\"\n", Set("image:\n  tag: 0.1\n", "image.tag", "0.2"));
    }

    [Fact]
    public void SetScalar_CrlfWithoutFinalNewline_KeepsBoth()
    {
        Assert.Equal("a: 1\r\ntag: v2\r\nb: 2", Set("a: 1\r\ntag: v1\r\nb: 2", "tag", "v2"));
    }

    [Fact]
    public void SetScalar_Bom_IsKept()
    {
        Assert.Equal("\uFEFFtag: v2\n", Set("\uFEFFtag: v1\n", "tag", "v2"));
    }

    [Fact]
    public void SetScalar_FlowStyle_StaysFlow()
    {
        Assert.Equal("image: {repository: x, tag: v2}\n", Set("image: {repository: x, tag: v1}\n", "image.tag", "v2"));
    }

    [Fact]
    public void SetScalar_OtherDocumentsAndAnchors_Untouched()
    {
        var before = "base: &b {x: 1}\nuse: *b\ntag: v1\n---\ntag: v1\n";

        Assert.Equal("base: &b {x: 1}\nuse: *b\ntag: v2\n---\ntag: v1\n", Set(before, "tag", "v2"));
    }

    [Fact]
    public void SetScalar_AnchoredScalar_IsRefused()
    {
        var ex = Assert.Throws<ManifestEditException>(() => Set("tag: &t v1\nother: *t\n", "tag", "v2"));

        Assert.Contains("anchor &t", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetScalar_TaggedScalar_IsRefused()
    {
        Assert.Throws<ManifestEditException>(() => Set("tag: !!str v1\n", "tag", "v2"));
    }

    [Fact]
    public void SetScalar_BlockScalar_IsRefused()
    {
        Assert.Throws<ManifestEditException>(() => Set("tag: |\n  v1\n", "tag", "v2"));
    }

    [Theory]
    [InlineData("v1\nv2")]
    [InlineData("v1\u0000")]
    public void SetScalar_ControlCharacters_AreRefused(string value)
    {
        Assert.Throws<ManifestEditException>(() => Set("tag: v1\n", "tag", value));
    }

    [Theory]
    [InlineData("\"quoted\"", "tag: \"\\\"quoted\\\"\"\n")]
    [InlineData("x: y", "tag: \"x: y\"\n")]
    [InlineData("a # b", "tag: \"a # b\"\n")]
    [InlineData("-x", "tag: \"-x\"\n")]
    [InlineData("a\"b", "tag: a\"b\n")]
    public void SetScalar_ValueThatPlainWouldMisread_IsQuotedAndReadsBack(string value, string expected)
    {
        var result = Set("tag: v1\n", "tag", value);

        Assert.Equal(expected, result);
        Assert.Equal(value, YamlText.Parse(result).AllNodes().OfType<YamlScalarNode>().Single(s => s.Path == "tag" && !s.IsKey).Value);
    }

    [Fact]
    public void Apply_InsertionThatChangesMoreThanDeclared_IsRefused()
    {
        var yaml = YamlText.Parse("images:\n- name: a\n");
        var splice = new YamlSplice(yaml);
        var seq = yaml.AllNodes().OfType<YamlSequenceNode>().Single();

        // Declares one added item but the text adds a key to the root as well.
        splice.Insert(yaml.Text.Length, "- name: b\nextra: 1\n", seq, YamlCanon.Map(("name", YamlCanon.Scalar("b"))));

        var ex = Assert.Throws<ManifestEditException>(() => splice.Apply());
        Assert.Contains("nothing was changed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_InsertionMatchingDeclaration_IsAccepted()
    {
        var yaml = YamlText.Parse("images:\n- name: a\n");
        var splice = new YamlSplice(yaml);
        var seq = yaml.AllNodes().OfType<YamlSequenceNode>().Single();

        splice.Insert(yaml.Text.Length, "- name: b\n", seq, YamlCanon.Map(("name", YamlCanon.Scalar("b"))));

        Assert.Equal("images:\n- name: a\n- name: b\n", splice.Apply());
    }
}
