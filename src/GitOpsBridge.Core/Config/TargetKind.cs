namespace GitOpsBridge.Core.Config;

/// <summary>Which editor handles a file target.</summary>
public enum TargetKind
{
    /// <summary>Helm values at a YAML path (<c>helm:</c>).</summary>
    Helm,

    /// <summary>A Kustomize <c>images:</c> entry (<c>kustomize:</c>).</summary>
    Kustomize,

    /// <summary><c>containers[].image</c> / <c>initContainers[].image</c> in plain manifests (<c>manifest:</c>).</summary>
    Manifest,

    /// <summary>Every reference to the image the editors recognise in the file (<c>image:</c>).</summary>
    Auto,
}
