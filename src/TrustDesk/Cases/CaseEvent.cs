namespace TrustDesk.Cases;

/// <summary>
/// One row of a case's append-only log: the timeline, the audit trail and the metrics all read it.
/// Never updated or deleted.
/// </summary>
public sealed class CaseEvent
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
    public const string Linked = "linked";
    public const string DeliveryFailed = "delivery_failed";
    public const string SlaWarning = "sla_warning";
    public const string SlaBreached = "sla_breached";
}
