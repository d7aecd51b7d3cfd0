using System.Text.Json.Serialization;
using TrustDesk.Web;

namespace TrustDesk.Cases;

[JsonConverter(typeof(SnakeCaseEnumConverter<MessageDirection>))]
public enum MessageDirection
{
    /// <summary>From a user (email, chat, report).</summary>
    Inbound,

    /// <summary>A reply to the user.</summary>
    Outbound,

    /// <summary>An internal note: never shown to the user.</summary>
    Internal,
}

[JsonConverter(typeof(SnakeCaseEnumConverter<Channel>))]
public enum Channel
{
    Api,
    Email,
    Chat,
    Report,
    System,
}

/// <summary>Inbound, outbound or internal text on a case.</summary>
public sealed class Message
{
    private Message()
    {
    }

    internal Message(DateTime at, MessageDirection direction, Channel channel, Actor author, string text, string? externalId)
    {
        Id = Guid.CreateVersion7(at);
        CreatedAt = at;
        Direction = direction;
        Channel = channel;
        AuthorType = author.Type;
        AuthorId = author.Id;
        AuthorName = author.Name;
        Text = text;
        ExternalId = externalId;
    }

    public Guid Id { get; private set; }
    public long CaseId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public MessageDirection Direction { get; private set; }
    public Channel Channel { get; private set; }
    public string AuthorType { get; private set; } = "";
    public string AuthorId { get; private set; } = "";
    public string AuthorName { get; private set; } = "";
    public string Text { get; private set; } = "";

    /// <summary>Sanitised HTML, when the message came with HTML.</summary>
    public string? Html { get; private set; }

    /// <summary>The channel's own id, such as an email's Message-ID.</summary>
    public string? ExternalId { get; private set; }

    /// <summary>For outbound messages: queued, sent or failed. Empty for inbound messages and notes.</summary>
    public string? DeliveryState { get; private set; }

    internal Case? Case { get; private set; }
}
