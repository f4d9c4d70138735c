namespace GitOpsBridge.Storage;

/// <summary>A unit of work in the durable queue.</summary>
/// <param name="Id">The store's id for it.</param>
/// <param name="Kind">What it works on.</param>
/// <param name="Key">Which one: jobs of one kind and key coalesce while they wait.</param>
/// <param name="LockKey">The synchronisation key (the repository): at most one job per lock key is leased at a time.</param>
/// <param name="Attempt">How many times it has been leased, this lease included.</param>
/// <param name="TraceId">The trace id of whoever enqueued it first.</param>
/// <param name="NotBefore">It is not leased before this time.</param>
/// <param name="LastError">The error its last attempt gave, if it was retried.</param>
public sealed record Job(
    long Id,
    JobKind Kind,
    string Key,
    string LockKey,
    int Attempt,
    string? TraceId,
    DateTimeOffset NotBefore,
    string? LastError);
