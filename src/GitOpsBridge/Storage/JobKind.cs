namespace GitOpsBridge.Storage;

/// <summary>What a queued job works on; its <see cref="Job.Key"/> names the instance. Stored lower-case.</summary>
public enum JobKind
{
    /// <summary>Process one delivery; the key is the delivery id.</summary>
    Delivery,

    /// <summary>Reconcile one target with its desired state.</summary>
    Target,

    /// <summary>Refresh one repository (its config and tracked images).</summary>
    Repository,

    /// <summary>Refresh one installation (its repositories).</summary>
    Installation,
}
