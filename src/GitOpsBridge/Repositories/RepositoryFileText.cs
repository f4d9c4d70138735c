using System.Text;
using GitOpsBridge.Core.Planning;

namespace GitOpsBridge.Repositories;

/// <summary>
/// How file bytes become text for the planner, from a folder or a git tree alike: strict UTF-8
/// with a BOM kept as U+FEFF (so writing the text back restores every byte); files over 5 MB,
/// binary files and files that are not UTF-8 are reported, not read.
/// </summary>
internal static class RepositoryFileText
{
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The problem with a file of <paramref name="size"/> bytes before reading it, or null.</summary>
    public static RepositoryFile? TooLarge(string path, long size) =>
        size > RepositoryFile.MaxBytes ? new RepositoryFile(path, null, "file-too-large", $"{path} is {size / (1024 * 1024)} MB; files over 5 MB are not edited") : null;

    public static RepositoryFile Decode(string path, byte[] bytes)
    {
        if (TooLarge(path, bytes.LongLength) is { } large)
        {
            return large;
        }

        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            return new RepositoryFile(path, null, "binary-file", $"{path} is binary (it contains NUL bytes)");
        }

        try
        {
            return new RepositoryFile(path, StrictUtf8.GetString(bytes));
        }
        catch (DecoderFallbackException)
        {
            return new RepositoryFile(path, null, "not-utf8", $"{path} is not UTF-8 text");
        }
    }
}
