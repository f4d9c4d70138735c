using System.Text;
using System.Text.Json;

namespace GitOpsBridge.Core.Sources;

/// <summary>
/// Google Artifact Registry notifications (<see href="https://cloud.google.com/artifact-registry/docs/configure-notifications"/>)
/// delivered by a Pub/Sub push subscription (<see href="https://cloud.google.com/pubsub/docs/push"/>).
/// </summary>
/// <remarks>
/// <para>
/// The wrapped envelope is <c>{"message":{"data":"&lt;base64&gt;","messageId":"…"},"subscription":"…"}</c>
/// (<c>message_id</c> is accepted as well). The unwrapped form, where the subscription delivers the decoded
/// data as the body, is read too; it has no message id.
/// </para>
/// <para>
/// The data is <c>{"action":"INSERT","digest":"host/path@sha256:…","tag":"host/path:tag"}</c>: both are full
/// references. An INSERT without a tag is a digest-only push; a DELETE is ignored. A tag and a digest that
/// name different repositories are rejected.
/// </para>
/// </remarks>
internal static class GarPayload
{
    public static SourceParseResult Parse(RegistryJson root, SourcePayload payload, RegistryDelivery delivery)
    {
        RegistryJson body = root.AsObject();
        if (body.OptionalObject("message") is not { } message)
        {
            return ParseData(body, delivery);
        }

        delivery.VendorId = message.OptionalNonEmptyString("messageId") ?? message.OptionalNonEmptyString("message_id");
        string encoded = message.NonEmptyString("data");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            throw new RegistryPayloadException(RegistryReasons.InvalidPayload, "'message.data' is not base64");
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new RegistryPayloadException(RegistryReasons.InvalidPayload, "'message.data' does not decode to UTF-8 text");
        }

        using JsonDocument data = RegistryPayloads.ParseJson(text, "the decoded 'message.data'");
        return ParseData(new RegistryJson(data.RootElement, "message.data"), delivery);
    }

    private static SourceParseResult ParseData(RegistryJson data, RegistryDelivery delivery)
    {
        RegistryJson notification = data.AsObject();
        string action = notification.NonEmptyString("action");
        delivery.EventName = action;
        if (action != "INSERT")
        {
            return delivery.Ignored(RegistryReasons.NotAPush, $"the Artifact Registry action {RegistryImages.Show(action)} announces no new image");
        }

        string? tagReference = notification.OptionalNonEmptyString("tag");
        string? digestReference = notification.OptionalNonEmptyString("digest");
        (string Repository, string Tag)? tag = tagReference is null ? null : RegistryImages.SplitTag(tagReference, notification.ChildPath("tag"));
        (string Repository, string Digest)? digest = digestReference is null ? null : RegistryImages.SplitDigest(digestReference, notification.ChildPath("digest"));
        if (tag is { } t && digest is { } d && t.Repository != d.Repository)
        {
            throw new RegistryPayloadException(
                RegistryReasons.InvalidPayload,
                $"the tag names {RegistryImages.Show(t.Repository)} and the digest names {RegistryImages.Show(d.Repository)}");
        }

        string repository = tag?.Repository ?? digest?.Repository
            ?? throw new RegistryPayloadException(RegistryReasons.NoTagOrDigest, "the INSERT names neither a tag nor a digest");
        return delivery.Pushed(RegistryImages.Push(repository, tag?.Tag, digest?.Digest, actor: null));
    }
}
