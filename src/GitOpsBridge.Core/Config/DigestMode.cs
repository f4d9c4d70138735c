namespace GitOpsBridge.Core.Config;

/// <summary>How an image digest is written into targets.</summary>
public enum DigestMode
{
    /// <summary>Write the tag; leave an existing digest field or suffix as the file has it.</summary>
    Keep,

    /// <summary>Write the tag and pin it with the digest (<c>tag@sha256:…</c> or a digest field).</summary>
    Pin,

    /// <summary>Write only the digest.</summary>
    Only,
}
