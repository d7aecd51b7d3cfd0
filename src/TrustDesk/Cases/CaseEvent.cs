using TrustDesk.Data;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Cases;

/// <summary>
/// One row of a case's append-only log: the timeline, the audit trail and the metrics all read it.
/// Never updated or deleted.
/// </summary>
public sealed class CaseEvent : IAuditedChange
{
    private CaseEvent()
    {
    }

    internal CaseEvent(DateTime at, string kind, Actor actor, string? from, string? to, string? detail)
    {
        Id = Guid.CreateVersion7(at);
        At = at;
        Kind = kind;
        ActorType = actor.Type;
        ActorId = actor.Id;
        ActorName = actor.Name;
        From = from;
        To = to;
        Detail = detail;
    }

    public Guid Id { get; private set; }
    public long CaseId { get; private set; }
    public DateTime At { get; private set; }

    /// <summary>created, report_added, status_changed, severity_changed, category_changed, queue_changed, assigned, tags_changed, message_added, ...</summary>
    public string Kind { get; private set; } = "";
    public string ActorType { get; private set; } = "";
    public string ActorId { get; private set; } = "";
    public string ActorName { get; private set; } = "";
    public string? From { get; private set; }
    public string? To { get; private set; }
    public string? Detail { get; private set; }

    /// <summary>This event as an audit record. Contacts are named by id only: the audit trail holds no personal data.</summary>
    public AuditRecord ToAuditRecord(string? ip) => new(
        At,
        ActorType,
        ActorId,
        ActorType == "contact" ? "contact" : ActorName,
        "case." + Kind,
        "case",
        CaseId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Kind is CaseEventKinds.MessageAdded or CaseEventKinds.ReportAdded
            ? To
            : string.Join(" ", new[] { From is null ? null : "from " + From, To is null ? null : "to " + To, Detail }.Where(p => p is not null)),
        ip);
}

public static class CaseEventKinds
{
    public const string Created = "created";
    public const string ReportAdded = "report_added";
    public const string StatusChanged = "status_changed";
    public const string SeverityChanged = "severity_changed";
    public const string CategoryChanged = "category_changed";
    public const string QueueChanged = "queue_changed";
    public const string Assigned = "assigned";
    public const string TagsChanged = "tags_changed";
    public const string TitleChanged = "title_changed";
    public const string MessageAdded = "message_added";
    public const string FlagChanged = "flag_changed";
    public const string Resolved = "resolved";
    public const string Escalated = "escalated";

    // A department's answer, its question back, the desk's reply, closing: From the department, To the escalation's id.
    public const string EscalationAnswered = "escalation_answered";
    public const string EscalationAskedBack = "escalation_asked_back";
    public const string EscalationReplied = "escalation_replied";
    public const string EscalationClosed = "escalation_closed";
    public const string Linked = "linked";
    public const string Merged = "merged";
    public const string MergedFrom = "merged_from";
    public const string DeliveryFailed = "delivery_failed";
    public const string SlaWarning = "sla_warning";
    public const string SlaBreached = "sla_breached";

    /// <summary>An agent worked the case in the console for <c>to</c> seconds (one stretch; see <see cref="Case.RecordHandleTime"/>).</summary>
    public const string Handled = "handled";
}

/// <summary>How <see cref="CaseEvent"/> is stored.</summary>
internal sealed class CaseEventConfiguration : IEntityTypeConfiguration<CaseEvent>
{
    public void Configure(EntityTypeBuilder<CaseEvent> b)
    {
        b.ToTable("CaseEvents");
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Kind).HasMaxLength(40);
        b.Property(e => e.ActorType).HasMaxLength(20);
        b.Property(e => e.ActorId).HasMaxLength(64);
        b.Property(e => e.ActorName).HasMaxLength(200);
        b.HasIndex(e => new { e.CaseId, e.At });
    }
}
