using TrustDesk.Data;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using System.Text.Json.Serialization;
using TrustDesk.Api;

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

    internal Message(DateTime at, MessageDirection direction, Channel channel, Actor author, string text, string? externalId,
        string? html = null, string? quotedText = null)
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
        Html = html;
        QuotedText = quotedText;
    }

    public Guid Id { get; private set; }
    public long CaseId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public MessageDirection Direction { get; private set; }
    public Channel Channel { get; private set; }
    public string AuthorType { get; private set; } = "";
    public string AuthorId { get; private set; } = "";
    public string AuthorName { get; private set; } = "";
    [FullTextSearched("IX_Messages_Text_Search")]
    public string Text { get; private set; } = "";

    /// <summary>Sanitised HTML, when the message came with HTML.</summary>
    public string? Html { get; private set; }

    /// <summary>The channel's own id, such as an email's Message-ID.</summary>
    public string? ExternalId { get; private set; }

    /// <summary>
    /// The quoted history of an email (the earlier messages its client copied below the new text): folded away from
    /// <see cref="Text"/> for display, kept here and in the raw message.
    /// </summary>
    public string? QuotedText { get; private set; }

    /// <summary>For outbound messages: queued, sent or failed. Empty for inbound messages and notes.</summary>
    public string? DeliveryState { get; private set; }

    /// <summary>Why delivery failed (the relay's answer, or the bounce's diagnostic).</summary>
    public string? DeliveryError { get; private set; }

    public IReadOnlyList<MessageAttachment> Attachments => _attachments;

    private readonly List<MessageAttachment> _attachments = [];

    public const string Queued = "queued";
    public const string Sent = "sent";
    public const string Failed = "failed";

    public void MarkQueued()
    {
        DeliveryState = Queued;
        DeliveryError = null;
    }

    public void MarkSent()
    {
        DeliveryState = Sent;
        DeliveryError = null;
    }

    public void MarkFailed(string reason)
    {
        DeliveryState = Failed;
        DeliveryError = reason.Length <= DeliveryErrorMaxLength ? reason : reason[..DeliveryErrorMaxLength];
    }

    public const int DeliveryErrorMaxLength = 1000;

    /// <summary>Adds a file; files keep the order they were attached in (<see cref="MessageAttachment.Position"/>).</summary>
    public void Attach(MessageAttachment attachment)
    {
        attachment.PlaceAt(_attachments.Count);
        _attachments.Add(attachment);
    }

    internal Case? Case { get; private set; }
}

/// <summary>How <see cref="Message"/> is stored.</summary>
internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> b)
    {
        b.ToTable("Messages");
        b.Property(m => m.Id).ValueGeneratedNever();
        b.Property(m => m.Direction).HasConversion<string>().HasMaxLength(20);
        b.Property(m => m.Channel).HasConversion<string>().HasMaxLength(20);
        b.Property(m => m.AuthorType).HasMaxLength(20);
        b.Property(m => m.AuthorId).HasMaxLength(64);
        b.Property(m => m.AuthorName).HasMaxLength(200);
        b.Property(m => m.ExternalId).HasMaxLength(998);
        b.Property(m => m.DeliveryState).HasMaxLength(20);
        b.HasIndex(m => new { m.CaseId, m.CreatedAt });
        // Partial: only email messages have one (their Message-ID); a report's message would add an entry for nothing.
        b.HasIndex(m => m.ExternalId).HasFilter("\"ExternalId\" IS NOT NULL");
        b.Property(m => m.DeliveryError).HasMaxLength(Message.DeliveryErrorMaxLength);
        b.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(m => m.Attachments).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
