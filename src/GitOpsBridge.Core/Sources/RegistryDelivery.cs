namespace GitOpsBridge.Core.Sources;

/// <summary>
/// What a vendor parser has learnt about a delivery so far (its event name and vendor id), so that a
/// rejection found later still carries them: a rejected delivery is stored under its vendor id too.
/// </summary>
internal sealed class RegistryDelivery(string eventName)
{
    public string EventName { get; set; } = eventName;

    public string? VendorId { get; set; }

    public SourceParseResult Pushed(IReadOnlyList<ImagePush> images) =>
        new SourceParseResult.Pushed(images) { EventName = EventName, VendorId = VendorId };

    public SourceParseResult Pushed(ImagePush image) => Pushed([image]);

    public SourceParseResult Ignored(string code, string reason) =>
        new SourceParseResult.Ignored(code, reason) { EventName = EventName, VendorId = VendorId };

    public SourceParseResult Rejected(string code, string reason) =>
        new SourceParseResult.Rejected(code, reason) { EventName = EventName, VendorId = VendorId };

    public SourceParseResult Handshake(string responseJson) =>
        new SourceParseResult.Handshake(responseJson) { EventName = EventName, VendorId = VendorId };
}
