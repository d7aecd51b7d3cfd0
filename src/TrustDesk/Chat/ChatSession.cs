using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Chat;

/// <summary>
/// One visitor's conversation: who they are (a signed platform identity or a name and address they gave), the case the
/// conversation lives on, and the hash of the bearer token that lets the visitor read and write it. The token itself is
/// shown once, at the start.
/// </summary>
public sealed class ChatSession
{
    public const int NameMaxLength = 200;
    public const int EmailMaxLength = 320;
    public const string Waiting = "waiting";
    public const string Active = "active";
    public const string Ended = "ended";

    private ChatSession()
    {
    }

    public ChatSession(string tokenHash, Guid contactId, string visitorName, string? visitorEmail, string? platform,
        string? platformUserId, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        TokenHash = tokenHash;
        ContactId = contactId;
        VisitorName = visitorName;
        VisitorEmail = visitorEmail;
        Platform = platform;
        PlatformUserId = platformUserId;
        Status = Waiting;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public string TokenHash { get; private set; } = "";
    /// <summary>The case the conversation lives on; opened by the visitor's first message.</summary>
    public long? CaseId { get; private set; }
    public Guid ContactId { get; private set; }
    public string VisitorName { get; private set; } = "";
    public string? VisitorEmail { get; private set; }

    /// <summary>The platform that signed the visitor's identity token; null for an anonymous visitor.</summary>
    public string? Platform { get; private set; }

    /// <summary>The visitor's account id on that platform (the token's <c>sub</c>).</summary>
    public string? PlatformUserId { get; private set; }

    public string Status { get; private set; } = Waiting;
    public string? AgentId { get; private set; }
    public string? AgentName { get; private set; }
    public bool Crisis { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? AcceptedAt { get; private set; }
    public DateTime? EndedAt { get; private set; }

    /// <summary>The first message opened the case, or a closed case took no more and the conversation goes on, on a new one.</summary>
    public void MoveToCase(long caseId, DateTime now)
    {
        CaseId = caseId;
        UpdatedAt = now;
    }

    public void MarkCrisis(DateTime now)
    {
        Crisis = true;
        UpdatedAt = now;
    }

    public void Accept(string agentId, string agentName, DateTime now)
    {
        AgentId = agentId;
        AgentName = agentName;
        AcceptedAt ??= now;
        Status = Active;
        UpdatedAt = now;
    }

    /// <summary>Back to the waiting list (a transfer to a queue), or to another agent.</summary>
    public void Transfer(string? agentId, string? agentName, DateTime now)
    {
        AgentId = agentId;
        AgentName = agentName;
        Status = agentId is null ? Waiting : Active;
        UpdatedAt = now;
    }

    public void End(DateTime now)
    {
        Status = Ended;
        EndedAt ??= now;
        UpdatedAt = now;
    }

    /// <summary>A visitor writing again after the chat ended starts waiting again, on the same session.</summary>
    public void Resume(DateTime now)
    {
        if (Status == Ended)
        {
            Status = Waiting;
            EndedAt = null;
            AgentId = null;
            AgentName = null;
            UpdatedAt = now;
        }
    }
}

public sealed class ChatSessionConfiguration : IEntityTypeConfiguration<ChatSession>
{
    public void Configure(EntityTypeBuilder<ChatSession> builder)
    {
        builder.ToTable("ChatSessions");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.TokenHash).HasMaxLength(64);
        builder.Property(s => s.VisitorName).HasMaxLength(ChatSession.NameMaxLength);
        builder.Property(s => s.VisitorEmail).HasMaxLength(ChatSession.EmailMaxLength);
        builder.Property(s => s.Platform).HasMaxLength(64);
        builder.Property(s => s.PlatformUserId).HasMaxLength(128);
        builder.Property(s => s.Status).HasMaxLength(10);
        builder.Property(s => s.AgentId).HasMaxLength(64);
        builder.Property(s => s.AgentName).HasMaxLength(200);
        builder.HasIndex(s => s.CaseId);
        builder.HasIndex(s => new { s.Status, s.CreatedAt });
        builder.HasOne<Case>().WithMany().HasForeignKey(s => s.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// What a conversation shows, in order: every message, read receipt and system note is a row with the session's next
/// sequence number, stored before anyone is told. A reconnecting client reads what it missed from here; notifications
/// between nodes only wake the streams. Typing is not stored (it means nothing a second later).
/// </summary>
public sealed class ChatEvent
{
    public const string MessageType = "message";
    public const string ReadType = "read";
    public const string SystemType = "system";
    public const string TypingType = "typing";

    /// <summary>The satisfaction question at the end of a chat; <see cref="SurveyAnsweredType"/> when the visitor answered.</summary>
    public const string SurveyType = "survey";
    public const string SurveyAnsweredType = "rated";
    public const string FromVisitor = "visitor";
    public const string FromAgent = "agent";
    public const string FromSystem = "system";
    public const int ClientMessageIdMaxLength = 100;

    private ChatEvent()
    {
    }

    public ChatEvent(Guid sessionId, long seq, string type, string from, string? text, string? authorName, string? clientMessageId,
        Guid? messageId, long? readUpTo, DateTime now)
    {
        SessionId = sessionId;
        Seq = seq;
        Type = type;
        From = from;
        Text = text;
        AuthorName = authorName;
        ClientMessageId = clientMessageId;
        MessageId = messageId;
        ReadUpTo = readUpTo;
        CreatedAt = now;
    }

    public Guid SessionId { get; private set; }
    public long Seq { get; private set; }
    public string Type { get; private set; } = "";
    public string From { get; private set; } = "";
    public string? Text { get; private set; }
    public string? AuthorName { get; private set; }

    /// <summary>The visitor's own id for a message: a retried send finds the first one and stores nothing new.</summary>
    public string? ClientMessageId { get; private set; }

    /// <summary>The case message this event shows (visitor and agent messages).</summary>
    public Guid? MessageId { get; private set; }

    /// <summary>For read receipts: the last sequence number the reader has seen.</summary>
    public long? ReadUpTo { get; private set; }

    public DateTime CreatedAt { get; private set; }
}

public sealed class ChatEventConfiguration : IEntityTypeConfiguration<ChatEvent>
{
    public void Configure(EntityTypeBuilder<ChatEvent> builder)
    {
        builder.ToTable("ChatEvents");

        // The key is the order: two writers that pick the same next number collide here, and one tries again.
        builder.HasKey(e => new { e.SessionId, e.Seq });
        builder.Property(e => e.Type).HasMaxLength(10);
        builder.Property(e => e.From).HasMaxLength(10);
        builder.Property(e => e.AuthorName).HasMaxLength(200);
        builder.Property(e => e.ClientMessageId).HasMaxLength(ChatEvent.ClientMessageIdMaxLength);
        builder.HasIndex(e => new { e.SessionId, e.ClientMessageId }).IsUnique().HasFilter("\"ClientMessageId\" IS NOT NULL");

        // An agent's reply is shown once, whichever node's dispatcher gets to it.
        builder.HasIndex(e => e.MessageId).IsUnique().HasFilter("\"MessageId\" IS NOT NULL");
        builder.HasOne<ChatSession>().WithMany().HasForeignKey(e => e.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

public static class ChatTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<ChatSession> ChatSessions => db.Set<ChatSession>();
        public DbSet<ChatEvent> ChatEvents => db.Set<ChatEvent>();
    }
}
