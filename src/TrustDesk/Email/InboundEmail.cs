using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Email;

/// <summary>
/// One email as it arrived, by any of the three ways in, with its raw bytes. Committed before the sender is told
/// "accepted", so an acknowledged message is never lost; processing into a case comes after, and a row still
/// <see cref="InboundEmailStates.Received"/> at start-up is processed then.
/// </summary>
/// <remarks>
/// The raw message lives in this row, not in the file blob store: it is then durable with the same group commit as the
/// row (one disk flush for a whole batch of messages instead of one more per message, which is what lets SMTP intake
/// keep up), and nodes sharing one PostgreSQL need no shared disk for it. Attachments, read out during processing, go
/// to the content-addressed blob store.
/// </remarks>
public sealed class InboundEmail
{
    public const int DedupeKeyMaxLength = 1000;

    private InboundEmail()
    {
    }

    public InboundEmail(string dedupeKey, string? messageIdHeader, byte[] raw, string source, string? sourceDetail,
        string? envelopeFrom, string? senderAddress, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        DedupeKey = dedupeKey;
        MessageIdHeader = messageIdHeader;
        Raw = raw;
        Sha256 = Data.BlobStore.Hash(raw);
        Size = raw.Length;
        Source = source;
        SourceDetail = Clip(sourceDetail, 200);
        EnvelopeFrom = Clip(envelopeFrom, 320);
        SenderAddress = Clip(senderAddress, 320);
        ReceivedAt = now;
        State = InboundEmailStates.Received;
    }

    public Guid Id { get; private set; }

    /// <summary><c>mid:</c> and the Message-ID, or <c>sha256:</c> and a hash of the content when there is none. Unique: a message is stored once.</summary>
    public string DedupeKey { get; private set; } = "";
    public string? MessageIdHeader { get; private set; }

    /// <summary>The message exactly as received.</summary>
    public byte[] Raw { get; private set; } = [];

    /// <summary>The SHA-256 of <see cref="Raw"/> (lower-case hex).</summary>
    public string Sha256 { get; private set; } = "";
    public long Size { get; private set; }

    /// <summary><c>smtp</c>, <c>imap</c> or <c>http</c>.</summary>
    public string Source { get; private set; } = "";

    /// <summary>The IMAP mailbox, the SMTP peer, or the API key.</summary>
    public string? SourceDetail { get; private set; }

    /// <summary>The SMTP envelope sender (MAIL FROM); empty for bounces.</summary>
    public string? EnvelopeFrom { get; private set; }

    /// <summary>The From address, lower-cased: what flood control counts.</summary>
    public string? SenderAddress { get; private set; }
    public DateTime ReceivedAt { get; private set; }

    /// <summary><see cref="InboundEmailStates"/>.</summary>
    public string State { get; private set; } = "";

    /// <summary>What processing did: created_case, joined_case, reopened_case, linked_case, bounce, or why it was set aside.</summary>
    public string? Outcome { get; private set; }
    public long? CaseId { get; private set; }
    public Guid? MessageRowId { get; private set; }
    public int Attempts { get; private set; }
    public string? Error { get; private set; }
    public DateTime? ProcessedAt { get; private set; }

    /// <summary>The case the message went to; a new case's number is known only once saved, so EF fills <see cref="CaseId"/> from here.</summary>
    internal Cases.Case? Case { get; private set; }

    public void Processed(string outcome, Cases.Case @case, Guid? messageRowId, DateTime now)
    {
        State = InboundEmailStates.Processed;
        Outcome = outcome;
        Case = @case;
        MessageRowId = messageRowId;
        ProcessedAt = now;
        Error = null;
    }

    /// <summary>Kept (the raw message stays), but not turned into a case: an automatic message, a loop, a flood, garbage.</summary>
    public void SetAside(string outcome, string? detail, DateTime now)
    {
        State = InboundEmailStates.SetAside;
        Outcome = outcome;
        Error = Clip(detail, 1000);
        ProcessedAt = now;
    }

    public void AttemptFailed(string error, int maxAttempts, DateTime now)
    {
        Attempts++;
        Error = Clip(error, 1000);
        if (Attempts >= maxAttempts)
        {
            State = InboundEmailStates.Failed;
            Outcome = "failed";
            ProcessedAt = now;
        }
    }

    private static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}

public static class InboundEmailStates
{
    /// <summary>Stored and acknowledged, not processed yet.</summary>
    public const string Received = "received";

    public const string Processed = "processed";

    /// <summary>Recognised as not for a case (automatic, loop, flood, no sender); kept for inspection.</summary>
    public const string SetAside = "set_aside";

    /// <summary>Processing failed repeatedly; kept with the error, never blocking the others.</summary>
    public const string Failed = "failed";
}

/// <summary>How <see cref="InboundEmail"/> is stored.</summary>
internal sealed class InboundEmailConfiguration : IEntityTypeConfiguration<InboundEmail>
{
    public void Configure(EntityTypeBuilder<InboundEmail> b)
    {
        b.ToTable("InboundEmails");
        b.Property(e => e.Id).ValueGeneratedNever();

        // The raw message is set once and never changed in place. EF Core's default for byte arrays copies each one
        // to snapshot it and compares them byte by byte to detect changes: ~20 KB per message, on the intake writer
        // (every stored row becomes tracked as unchanged) and again for every row processing loads.
        b.Property(e => e.Raw).Metadata.SetValueComparer(new ValueComparer<byte[]>(
            (left, right) => ReferenceEquals(left, right), value => RuntimeHelpers.GetHashCode(value), value => value));
        b.Property(e => e.DedupeKey).HasMaxLength(InboundEmail.DedupeKeyMaxLength);
        b.Property(e => e.MessageIdHeader).HasMaxLength(998);
        b.Property(e => e.Sha256).HasMaxLength(64);
        b.Property(e => e.Source).HasMaxLength(10);
        b.Property(e => e.SourceDetail).HasMaxLength(200);
        b.Property(e => e.EnvelopeFrom).HasMaxLength(320);
        b.Property(e => e.SenderAddress).HasMaxLength(320);
        b.Property(e => e.State).HasMaxLength(20);
        b.Property(e => e.Outcome).HasMaxLength(40);
        b.Property(e => e.Error).HasMaxLength(1000);
        b.HasIndex(e => e.DedupeKey).IsUnique();
        b.HasIndex(e => new { e.State, e.ReceivedAt });
        b.HasIndex(e => new { e.SenderAddress, e.ReceivedAt });
        b.HasOne(e => e.Case).WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.SetNull);
    }
}
