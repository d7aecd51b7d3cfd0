using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Email;

/// <summary>How far a mailbox has been read: the last UID stored, valid while the folder's UIDVALIDITY stays the same.</summary>
public sealed class ImapMailboxState
{
    private ImapMailboxState()
    {
    }

    public ImapMailboxState(string mailbox, uint uidValidity, DateTime now)
    {
        Mailbox = mailbox;
        UidValidity = uidValidity;
        UpdatedAt = now;
    }

    public string Mailbox { get; private set; } = "";
    public long UidValidity { get; private set; }
    public long LastUid { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>The server renumbered the folder: start again from the first message (Message-ID dedupe keeps it one copy each).</summary>
    public void Reset(uint uidValidity, DateTime now)
    {
        UidValidity = uidValidity;
        LastUid = 0;
        UpdatedAt = now;
    }

    public void Advance(uint uid, DateTime now)
    {
        if (uid > LastUid)
        {
            LastUid = uid;
            UpdatedAt = now;
        }
    }
}

/// <summary>How <see cref="ImapMailboxState"/> is stored.</summary>
internal sealed class ImapMailboxStateConfiguration : IEntityTypeConfiguration<ImapMailboxState>
{
    public void Configure(EntityTypeBuilder<ImapMailboxState> b)
    {
        b.ToTable("ImapMailboxStates");
        b.HasKey(s => s.Mailbox);
        b.Property(s => s.Mailbox).HasMaxLength(100);
    }
}
