namespace GitOpsBridge.Storage;

/// <summary>
/// The stored spelling of the storage enums. Written out rather than derived from member names, so
/// that renaming a member cannot change what is on disk or in the API.
/// </summary>
internal static class StorageText
{
    public static string From(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Done => "done",
        DeliveryStatus.Skipped => "skipped",
        DeliveryStatus.Ignored => "ignored",
        DeliveryStatus.Rejected => "rejected",
        DeliveryStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown delivery status."),
    };

    public static DeliveryStatus ToDeliveryStatus(string text) => text switch
    {
        "pending" => DeliveryStatus.Pending,
        "done" => DeliveryStatus.Done,
        "skipped" => DeliveryStatus.Skipped,
        "ignored" => DeliveryStatus.Ignored,
        "rejected" => DeliveryStatus.Rejected,
        "failed" => DeliveryStatus.Failed,
        _ => throw new InvalidOperationException($"The store holds an unknown delivery status '{text}'."),
    };

    public static string From(JobKind kind) => kind switch
    {
        JobKind.Delivery => "delivery",
        JobKind.Target => "target",
        JobKind.Repository => "repository",
        JobKind.Installation => "installation",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown job kind."),
    };

    public static JobKind ToJobKind(string text) => text switch
    {
        "delivery" => JobKind.Delivery,
        "target" => JobKind.Target,
        "repository" => JobKind.Repository,
        "installation" => JobKind.Installation,
        _ => throw new InvalidOperationException($"The store holds an unknown job kind '{text}'."),
    };
}
