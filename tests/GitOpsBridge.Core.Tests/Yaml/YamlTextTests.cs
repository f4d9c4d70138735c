using GitOpsBridge.Core.Yaml;

namespace GitOpsBridge.Core.Tests.Yaml;

public sealed class YamlTextTests
{
    [Fact]
    public void Parse_Scalar_SpanCoversExactlyItsText()
    {
        var yaml = YamlText.Parse("image:\n  repository: ghcr.io/acme/api\n  tag: \"1.4.2\" # pinned\n");

        var tag = yaml.AllNodes().OfType<YamlScalarNode>().Single(s => s.Path == "image.tag");

        Assert.Equal("\"1.4.2\"", yaml.Text[tag.Start..tag.End]);
        Assert.Equal(3, tag.Line);
        Assert.Equal("pinned", yaml.TrailingComment(tag));
    }

    [Fact]
    public void Parse_Bom_IsStrippedAndRestored()
    {
        var yaml = YamlText.Parse("\uFEFFtag: v1\n");

        Assert.True(yaml.HasBom);
        Assert.Equal("tag: v1\n", yaml.Text);
        Assert.Equal("\uFEFFx", yaml.ToFileText("x"));
    }

    [Fact]
    public void Parse_MultipleDocuments_PathsAreRelativeToEachDocument()
    {
        var yaml = YamlText.Parse("a: 1\n---\nb:\n  - c: 2\n");

        Assert.Equal(2, yaml.Documents.Count);
        Assert.Contains(yaml.AllNodes().OfType<YamlScalarNode>(), s => s.Path == "b[0].c" && s.Value == "2");
        Assert.Equal("doc[1]:b[0].c", YamlPath.WithDocument(1, 2, "b[0].c"));
        Assert.Equal("b[0].c", YamlPath.WithDocument(0, 1, "b[0].c"));
    }

    [Fact]
    public void Parse_DuplicateKey_IsRefusedWithBothLines()
    {
        var ex = Assert.Throws<ManifestEditException>(() => YamlText.Parse("image:\n  tag: v1\n  tag: v2\n"));

        Assert.Contains("duplicate key \"tag\" at line 3 (first at line 2)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HelmTemplate_IsRefusedWithPosition()
    {
        var ex = Assert.Throws<ManifestEditException>(() => YamlText.Parse("image: {{ .Values.image }}\nfoo: [\n"));

        Assert.StartsWith("not valid YAML at line", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BrokenArgoCdSourceFixture_IsRefused()
    {
        var text = Fixtures.Yaml("argo-cd/reposerver__repository__testdata__app-parameters__multi__.argocd-source-broken.yaml");

        Assert.Throws<ManifestEditException>(() => YamlText.Parse(text));
    }

    [Fact]
    public void Parse_VeryDeepFlowNesting_IsRefusedBeforeYamlDotNetSpendsQuadraticTime()
    {
        var text = "a: " + new string('[', 40_000) + new string(']', 40_000) + "\n";
        var ex = Assert.Throws<ManifestEditException>(() => YamlText.Parse(text));

        Assert.Contains("nest deeper than 64 levels at line 1, column 68", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_VeryDeepBlockNesting_IsRefusedNotCrashed()
    {
        var text = string.Concat(Enumerable.Range(0, 300).Select(i => new string(' ', i) + "k:\n"));

        var ex = Assert.Throws<ManifestEditException>(() => YamlText.Parse(text));

        Assert.Contains("nesting deeper", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: [b\nc: d\n")]
    [InlineData("a: {b: c\nd: e\n")]
    [InlineData("- [\n- x\n")]
    public void Parse_UnclosedFlowCollection_IsRefusedNotCrashed(string text)
    {
        Assert.Throws<ManifestEditException>(() => YamlText.Parse(text));
    }

    [Theory]
    [InlineData("a: [b, {c: d}]\n", "a[1].c", "d")]
    [InlineData("items:\n- name: x\n  value: '1'\n", "items[0].value", "1")]
    [InlineData("\"dotted.key\": {tag: v}\n", "[\"dotted.key\"].tag", "v")]
    public void Parse_Paths_UseManifestSyntax(string text, string path, string value)
    {
        var yaml = YamlText.Parse(text);

        Assert.Contains(yaml.AllNodes().OfType<YamlScalarNode>(), s => s.Path == path && s.Value == value);
    }

    [Theory]
    [InlineData("image.tag", 2)]
    [InlineData("spec.template.spec.containers[0].image", 6)]
    [InlineData("images[name=quay.io/argoproj/argocd].newTag", 3)]
    [InlineData("[\"a.b\"].c", 2)]
    public void TryParsePath_ValidPaths_Segments(string path, int count)
    {
        Assert.True(YamlPath.TryParse(path, out var segments, out var error), error);
        Assert.Equal(count, segments.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData("a.")]
    [InlineData("a[x]")]
    [InlineData("a[0")]
    public void TryParsePath_InvalidPaths_Error(string path)
    {
        Assert.False(YamlPath.TryParse(path, out _, out var error));
        Assert.NotNull(error);
    }
}
