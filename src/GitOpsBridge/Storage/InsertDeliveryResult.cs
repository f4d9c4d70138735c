namespace GitOpsBridge.Storage;

/// <summary>What <see cref="IBridgeStore.InsertDeliveryAsync"/> did with a delivery.</summary>
public enum InsertDeliveryResult
{
    /// <summary>A new delivery id: stored.</summary>
    Inserted,

    /// <summary>The id is already stored with the same body hash: a redelivery, nothing stored.</summary>
    Duplicate,

    /// <summary>The id is already stored with another body hash: nothing stored, the first body is kept.</summary>
    Conflict,
}
