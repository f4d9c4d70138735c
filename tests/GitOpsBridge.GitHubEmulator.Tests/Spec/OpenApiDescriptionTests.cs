using GitOpsBridge.GitHubEmulator.Spec;

namespace GitOpsBridge.GitHubEmulator.Tests.Spec;

public sealed class OpenApiDescriptionTests
{
    private static OpenApiDescription Spec => OpenApiDescription.Instance;

    [Theory]
    [InlineData("GET", "/repos/acme/gitops/pulls", "pulls/list")]
    [InlineData("POST", "/repos/acme/gitops/pulls", "pulls/create")]
    [InlineData("GET", "/repos/acme/gitops/pulls/12", "pulls/get")]
    [InlineData("GET", "/repos/acme/gitops/pulls/comments", "pulls/list-review-comments-for-repo")]
    [InlineData("GET", "/repos/acme/gitops", "repos/get")]
    [InlineData("GET", "/app/installations", "apps/list-installations")]
    [InlineData("POST", "/app/hook/deliveries/5/attempts", "apps/redeliver-webhook-delivery")]
    public void Match_DocumentedPath_FindsOperation(string method, string path, string operationId)
    {
        Assert.Equal(operationId, Spec.Match(method, path)?.Operation.OperationId);
    }

    [Fact]
    public void Match_MultiSegmentContentPath_CapturesWholePath()
    {
        var match = Spec.Match("GET", "/repos/acme/gitops/contents/envs/dev/values.yaml");

        Assert.Equal("repos/get-content", match?.Operation.OperationId);
        Assert.Equal("envs/dev/values.yaml", match!.PathValues["path"]);
    }

    [Fact]
    public void Match_GitRefWithSlash_CapturesHeadsAndBranch()
    {
        var match = Spec.Match("GET", "/repos/acme/gitops/git/ref/heads/gitops-bridge/dev");

        Assert.Equal("git/get-ref", match?.Operation.OperationId);
        Assert.Equal("heads/gitops-bridge/dev", match!.PathValues["ref"]);
    }

    [Fact]
    public void Match_MixedSegment_SplitsBaseAndHead()
    {
        var match = Spec.Match("GET", "/repos/acme/gitops/compare/main...feature");

        Assert.Equal("main", match?.PathValues["base"]);
        Assert.Equal("feature", match?.PathValues["head"]);
    }

    [Fact]
    public void Match_UndocumentedPathOrMethod_IsNull()
    {
        Assert.Null(Spec.Match("GET", "/repos/acme/gitops/pull-requests"));
        Assert.Null(Spec.Match("PUT", "/repos/acme/gitops/pulls"));
        Assert.True(Spec.HasPath("/repos/acme/gitops/pulls"));
    }

    [Fact]
    public void Load_IndexesEveryOperationOnce()
    {
        Assert.True(Spec.OperationCount > 1000, $"only {Spec.OperationCount} operations indexed");
    }
}
