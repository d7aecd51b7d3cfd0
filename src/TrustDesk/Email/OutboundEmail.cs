using TrustDesk.Cases;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Email;

/// <summary>
/// A reply waiting to be sent: the outbox row, written in the same transaction as the outbound message it carries, so a
/// reply is never recorded without being sent nor sent without being recorded. Delivered at least once.
/// </summary>
public sealed class OutboundEmail
{
    private OutboundEmail()
    {
    }

    public OutboundEmail(Guid messageId, long caseId, string toAddress, string? toName, string subject, string messageIdHeader,
        string? inReplyTo, string? references, string text, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        MessageId = messageId;
        CaseId = caseId;
        ToAddress = toAddress;
        ToName = toName;
        Subject = subject;
        MessageIdHeader = messageIdHeader;
        InReplyTo = inReplyTo;
        References = references;
        Text = text;
        State = OutboundEmailStates.Queued;
        CreatedAt = now;
        NextAttemptAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary>The outbound <see cref="Cases.Message"/> this email carries.</summary>
    public Guid MessageId { get; private set; }
    public long CaseId { get; private set; }
    public string ToAddress { get; private set; } = "";
    public string? ToName { get; private set; }
    public string Subject { get; private set; } = "";
    public string MessageIdHeader { get; private set; } = "";
    public string? InReplyTo { get; private set; }

    /// <summary>Message-IDs separated by spaces, oldest first.</summary>
    public string? References { get; private set; }
    public string Text { get; private set; } = "";
    public string State { get; private set; } = "";
    public int Attempts { get; private set; }
    public DateTime NextAttemptAt { get; private set; }

    /// <summary>While sending: the claim lasts until then; a node that died mid-send leaves a claim that runs out.</summary>
    public DateTime? ClaimedUntil { get; private set; }
    public string? LastError { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? SentAt { get; private set; }

    public void Claim(DateTime now, TimeSpan lease)
    {
        State = OutboundEmailStates.Sending;
        ClaimedUntil = now + lease;
    }

    public void Sent(DateTime now)
    {
        State = OutboundEmailStates.Sent;
        Attempts++;
        SentAt = now;
        ClaimedUntil = null;
        LastError = null;
    }

    /// <summary>A failed attempt: retried later with exponential backoff, or failed for good.</summary>
    /// <returns>True when it will not be tried again.</returns>
    public bool AttemptFailed(string error, bool permanent, DateTime now, RelayOptions relay)
    {
        Attempts++;
        LastError = error.Length <= 1000 ? error : error[..1000];
        ClaimedUntil = null;
        if (permanent || Attempts >= Math.Max(1, relay.MaxAttempts))
        {
            State = OutboundEmailStates.Failed;
            return true;
        }

        var delay = Math.Min(relay.RetryMaxSeconds, relay.RetryBaseSeconds * Math.Pow(2, Attempts - 1));
        State = OutboundEmailStates.Queued;
        NextAttemptAt = now + TimeSpan.FromSeconds(delay);
        return false;
    }

    /// <summary>The relay accepted it but a bounce came back later.</summary>
    public void Bounced(string reason)
    {
        State = OutboundEmailStates.Failed;
        LastError = reason.Length <= 1000 ? reason : reason[..1000];
    }
}

public static class OutboundEmailStates
{
    public const string Queued = "queued";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

/// <summary>How <see cref="OutboundEmail"/> is stored.</summary>
internal sealed class OutboundEmailConfiguration : IEntityTypeConfiguration<OutboundEmail>
{
    public void Configure(EntityTypeBuilder<OutboundEmail> b)
    {
        b.ToTable("OutboundEmails");
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.ToAddress).HasMaxLength(320);
        b.Property(o => o.ToName).HasMaxLength(200);
        b.Property(o => o.Subject).HasMaxLength(400);
        b.Property(o => o.MessageIdHeader).HasMaxLength(998);
        b.Property(o => o.InReplyTo).HasMaxLength(998);
        b.Property(o => o.State).HasMaxLength(20);
        b.Property(o => o.LastError).HasMaxLength(1000);
        b.HasIndex(o => new { o.State, o.NextAttemptAt });
        b.HasIndex(o => o.MessageId).IsUnique();
        b.HasOne<Message>().WithMany().HasForeignKey(o => o.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}
