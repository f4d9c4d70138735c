using GitOpsBridge.Core.Config;
using GitOpsBridge.Core.Images;

namespace GitOpsBridge.Core.Lifecycle;

/// <summary>
/// A <c>/gitops-bridge …</c> command written in a comment on a bridge pull request. Only the first
/// command line counts. Lines inside fenced code blocks (<c>```</c> or <c>~~~</c>) and quoted lines
/// (<c>&gt;</c>) are not commands, so quoting or documenting a command does not run it.
/// </summary>
/// <remarks>
/// The prefix is matched without regard to case so that <c>/GitOps-Bridge rebase</c> still gets a reply;
/// command words are lower-case, and <c>/gitops-bridge Rebase</c> is <see cref="Unknown"/> with the
/// lower-case word as its <see cref="Unknown.Suggestion"/>. Whether the author may run a command
/// (write permission) is the caller's check.
/// </remarks>
public abstract record PullRequestCommand
{
    /// <summary>What starts a command line.</summary>
    public const string Prefix = "/gitops-bridge";

    /// <summary>The command words, as written.</summary>
    public static IReadOnlyList<string> Words { get; } = ["rebase", "promote", "hold", "release", "explain", "pin", "unpin"];

    /// <summary>The longest word echoed back in <see cref="Unknown"/> or <see cref="Invalid"/>.</summary>
    internal const int EchoLimit = 64;

    private PullRequestCommand(string word)
    {
        Word = word;
    }

    /// <summary>The command word, as written (for <see cref="Unknown"/>, whatever word was written).</summary>
    public string Word { get; }

    /// <summary>Finds the first command line in a comment body.</summary>
    /// <param name="commentBody">The comment's Markdown (null or empty allowed).</param>
    /// <returns>
    /// The command; <see cref="Unknown"/> for an unknown word, <see cref="Invalid"/> for bad arguments;
    /// <see langword="null"/> when no line outside code blocks and quotes starts with <see cref="Prefix"/>.
    /// </returns>
    public static PullRequestCommand? Parse(string? commentBody)
    {
        if (string.IsNullOrEmpty(commentBody))
        {
            return null;
        }

        string? fence = null;
        foreach (var rawLine in commentBody.Split(["\r\n", "\n", "\r"], StringSplitOptions.None))
        {
            var line = rawLine.TrimStart(' ', '\t');
            if (fence is not null)
            {
                // A fence closes with at least as many of the same character and nothing else on the line.
                if (line.StartsWith(fence, StringComparison.Ordinal) && line.TrimEnd().All(c => c == fence[0]))
                {
                    fence = null;
                }

                continue;
            }

            if (FenceOpening(line) is { } opened)
            {
                fence = opened;
                continue;
            }

            if (line.StartsWith('>'))
            {
                continue;
            }

            if (line.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
                && (line.Length == Prefix.Length || char.IsWhiteSpace(line[Prefix.Length])))
            {
                return FromArguments(line[Prefix.Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return null;
    }

    /// <summary>The fence a line opens (three or more backticks or tildes), or null.</summary>
    private static string? FenceOpening(string line)
    {
        foreach (var marker in new[] { '`', '~' })
        {
            var count = 0;
            while (count < line.Length && line[count] == marker)
            {
                count++;
            }

            // A backtick fence's info string may not contain backticks (CommonMark 4.5).
            if (count >= 3 && !(marker == '`' && line.AsSpan(count).Contains('`')))
            {
                return new string(marker, count);
            }
        }

        return null;
    }

    private static PullRequestCommand FromArguments(string[] parts)
    {
        if (parts.Length == 0)
        {
            return new Unknown(string.Empty);
        }

        var word = parts[0];
        var arguments = parts[1..];
        return word switch
        {
            "rebase" => NoArguments(word, arguments, new Rebase()),
            "hold" => NoArguments(word, arguments, new Hold()),
            "release" => NoArguments(word, arguments, new Release()),
            "explain" => NoArguments(word, arguments, new Explain()),
            "unpin" => NoArguments(word, arguments, new Unpin()),
            "promote" => OneArgument(word, arguments, "an environment name", environment =>
                ConfigSyntax.Name().MatchesWhole(environment)
                    ? null
                    : $"{Echo(environment)} is not an environment name; names use lower-case letters, digits and '-', start and end with a letter or digit, and have at most 63 characters")
                ?? new Promote(arguments[0]),
            "pin" when arguments.Length == 2 => PinImage(arguments[0], arguments[1]),
            "pin" => OneArgument(word, arguments, "a version (an image tag)", version =>
                ImageReference.TagProblem(version) is { } problem ? $"{Echo(version)} is not a version: {problem}" : null)
                ?? new Pin(arguments[0]),
            _ => new Unknown(Truncate(word)),
        };
    }

    /// <summary><c>pin &lt;image&gt; &lt;version&gt;</c>: the image is an alias of the config or an image name.</summary>
    private static PullRequestCommand PinImage(string image, string version)
    {
        if (!ConfigSyntax.Alias().MatchesWhole(image) && !ImageReference.TryParseRepository(image, out _, out _))
        {
            return new Invalid("pin", $"{Echo(image)} is not an image: name it by its alias in the config (api) or its repository (ghcr.io/acme/api)");
        }

        return ImageReference.TagProblem(version) is { } problem
            ? new Invalid("pin", $"{Echo(version)} is not a version: {problem}")
            : new Pin(version) { Image = image };
    }

    private static PullRequestCommand NoArguments(string word, string[] arguments, PullRequestCommand command) =>
        arguments.Length == 0 ? command : new Invalid(word, $"{word} takes no arguments; got {Echo(string.Join(' ', arguments))}");

    private static PullRequestCommand? OneArgument(string word, string[] arguments, string what, Func<string, string?> problem)
    {
        if (arguments.Length == 0)
        {
            return new Invalid(word, $"{word} needs {what}: {Prefix} {word} <{(word == "pin" ? "version" : "environment")}>{(word == "pin" ? $" or {Prefix} pin <image> <version>" : "")}");
        }

        if (arguments.Length > 1)
        {
            return new Invalid(word, $"{word} takes {(word == "pin" ? "a version, or an image and a version" : $"one argument, {what}")}; got {arguments.Length}: {Echo(string.Join(' ', arguments))}");
        }

        return problem(arguments[0]) is { } reason ? new Invalid(word, reason) : null;
    }

    private static string Truncate(string text) => text.Length <= EchoLimit ? text : text[..EchoLimit] + "…";

    private static string Echo(string text) => $"\"{Truncate(text)}\"";

    /// <summary><c>/gitops-bridge rebase</c>: rebuild the pull request on the latest base.</summary>
    public sealed record Rebase() : PullRequestCommand("rebase");

    /// <summary><c>/gitops-bridge promote &lt;env&gt;</c>: open the promotion pull request for an environment now.</summary>
    /// <param name="Environment">The target environment; a DNS label, not yet checked against the configuration.</param>
    public sealed record Promote(string Environment) : PullRequestCommand("promote");

    /// <summary><c>/gitops-bridge hold</c>: stop updating this pull request.</summary>
    public sealed record Hold() : PullRequestCommand("hold");

    /// <summary><c>/gitops-bridge release</c>: resume updates after a hold.</summary>
    public sealed record Release() : PullRequestCommand("release");

    /// <summary><c>/gitops-bridge explain</c>: reply with the target's recent outcomes.</summary>
    public sealed record Explain() : PullRequestCommand("explain");

    /// <summary>
    /// <c>/gitops-bridge pin [&lt;image&gt;] &lt;version&gt;</c>: set the target to this version, even a lower
    /// one, and keep it there. The image may be left out when the environment deploys one image.
    /// </summary>
    /// <param name="Version">A valid image tag.</param>
    public sealed record Pin(string Version) : PullRequestCommand("pin")
    {
        /// <summary>The image, as written: an alias of the config (<c>api</c>) or an image name (<c>ghcr.io/acme/api</c>); null when not given.</summary>
        public string? Image { get; init; }
    }

    /// <summary><c>/gitops-bridge unpin</c>: let newer versions move the target again.</summary>
    public sealed record Unpin() : PullRequestCommand("unpin");

    /// <summary>A command line with a word that is not a command; the caller replies with the list.</summary>
    /// <param name="Word">The word as written (empty when none was; cut to 64 characters).</param>
    public sealed record Unknown(string Word) : PullRequestCommand(Word)
    {
        /// <summary>The command the word most likely meant (<c>Rebase</c> → <c>rebase</c>, <c>reabse</c> → <c>rebase</c>), or null.</summary>
        public string? Suggestion => Word.Length == 0 ? null : Suggestions.Closest(Word, Words);
    }

    /// <summary>A known command with missing or bad arguments.</summary>
    /// <param name="Word">The command word.</param>
    /// <param name="Reason">What is wrong, ready to put in a reply.</param>
    public sealed record Invalid(string Word, string Reason) : PullRequestCommand(Word);
}
