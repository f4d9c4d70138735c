namespace GitOpsBridge.Storage;

/// <summary>
/// Where a delivery (or one target of it) stands. Stored as the lower-case member name
/// (<c>pending</c>, <c>done</c>, …), which is also how the API shows it.
/// </summary>
public enum DeliveryStatus
{
    /// <summary>Accepted and waiting for the worker.</summary>
    Pending,

    /// <summary>Processed; every change it asked for is made.</summary>
    Done,

    /// <summary>Processed; nothing to change (for example every target is already current).</summary>
    Skipped,

    /// <summary>Not an event the bridge acts on (an unknown action, a pull of an image).</summary>
    Ignored,

    /// <summary>Refused with a reason (invalid payload, a source that is not allowed).</summary>
    Rejected,

    /// <summary>Processing failed after its retries.</summary>
    Failed,
}
