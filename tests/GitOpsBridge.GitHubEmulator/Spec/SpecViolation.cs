namespace GitOpsBridge.GitHubEmulator;

/// <summary>Which side of an exchange broke GitHub's REST description.</summary>
public enum SpecViolationKind
{
    /// <summary>The client sent a request the description does not allow (parameters or body).</summary>
    Request,

    /// <summary>The emulator answered with a status or body the description does not allow.</summary>
    Response,

    /// <summary>No documented operation has this method and path.</summary>
    UndocumentedOperation,

    /// <summary>The operation is documented, but the emulator does not implement it.</summary>
    NotEmulated,
}

/// <summary>One breach of GitHub's REST description, seen by the emulator.</summary>
/// <param name="Kind">Which side broke it.</param>
/// <param name="Method">HTTP method of the request.</param>
/// <param name="Path">Request path (without <c>/api/v3</c>) and query.</param>
/// <param name="OperationId">The matched operation, such as <c>pulls/create</c>, when one matched.</param>
/// <param name="Message">What is wrong, with JSON paths.</param>
public sealed record SpecViolation(SpecViolationKind Kind, string Method, string Path, string? OperationId, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Method} {Path} ({OperationId ?? "no operation"}): {Message}";
}

/// <summary>Thrown by <see cref="GitHubEmulator.AssertNoSpecViolations"/> when any request or response broke the description.</summary>
public sealed class SpecViolationException : Exception
{
    /// <summary>Creates the exception for the violations seen.</summary>
    public SpecViolationException(IReadOnlyList<SpecViolation> violations)
        : base($"{violations.Count} GitHub REST description violation(s):{Environment.NewLine}{string.Join(Environment.NewLine, violations)}")
    {
        Violations = violations;
    }

    /// <summary>Creates the exception with a message.</summary>
    public SpecViolationException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SpecViolationException(string message)
        : base(message)
    {
        Violations = [];
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public SpecViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Violations = [];
    }

    /// <summary>The violations seen.</summary>
    public IReadOnlyList<SpecViolation> Violations { get; }
}
