using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TrustDesk.Data;

namespace TrustDesk.Notifications;

/// <summary>
/// Something a person should know about (assigned to them, mentioned, a department answered, an SLA at risk, the user
/// replied), for them only. Written in the same transaction as the case change that caused it. The text names the case
/// and what happened, never the case's content: the case page decides what the reader may see.
/// </summary>
public sealed class Notification
{
    public const int TextMaxLength = 300;

    private Notification()
    {
    }

    public Notification(Guid userId, string kind, long caseId, string text, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        UserId = userId;
        Kind = kind;
        CaseId = caseId;
        Text = text.Length <= TextMaxLength ? text : text[..TextMaxLength];
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }

    /// <summary>One of <see cref="NotificationKinds"/>.</summary>
    public string Kind { get; private set; } = "";
    public long CaseId { get; private set; }
    public string Text { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime? ReadAt { get; private set; }

    public void MarkRead(DateTime now) => ReadAt ??= now;
}

public static class NotificationKinds
{
    public const string Assigned = "assigned";
    public const string Mentioned = "mentioned";
    public const string DepartmentAnswered = "department_answered";
    public const string DepartmentAsked = "department_asked";
    public const string Escalated = "escalated_to_department";
    public const string SlaAtRisk = "sla_at_risk";
    public const string SlaBreached = "sla_breached";
    public const string UserReplied = "user_replied";
}

/// <summary>How <see cref="Notification"/> is stored.</summary>
internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("Notifications");
        b.Property(n => n.Id).ValueGeneratedNever();
        b.Property(n => n.Kind).HasMaxLength(40);
        b.Property(n => n.Text).HasMaxLength(Notification.TextMaxLength);
        // The bell's count and the list: a person's notifications, newest first, unread ones by ReadAt null.
        b.HasIndex(n => new { n.UserId, n.ReadAt });
        b.HasIndex(n => new { n.UserId, n.CreatedAt });
    }
}

public static class NotificationTables
{
    extension(TrustDeskDb db)
    {
        public DbSet<Notification> Notifications => db.Set<Notification>();
    }
}
