namespace GitOpsBridge.Git;

/// <summary>Where the git workspace keeps its clones and which server it talks to.</summary>
public sealed class GitOptions
{
    /// <summary>
    /// Cache root: one bare repository per GitHub repository, at <c>{WorkDirectory}/{owner}/{name}.git</c>
    /// (lower case). No default; the host must set it.
    /// </summary>
    public string WorkDirectory { get; set; } = "";

    /// <summary>
    /// The git server, <c>https://github.com</c> or <c>http://127.0.0.1:PORT</c> for the emulator. It must
    /// not carry credentials: the token only ever travels through the credentials callback.
    /// </summary>
    public string GitUrl { get; set; } = "";
}
