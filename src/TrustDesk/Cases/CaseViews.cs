using TrustDesk.Subjects;
using TrustDesk.Taxonomy;

namespace TrustDesk.Cases;

/// <summary>A case as lists show it.</summary>
public sealed record CaseSummary(
    long Id,
    string Number,
    string Title,
    string Status,
    Severity Severity,
    string? Category,
    string Queue,
    string? Assignee,
    Channel Channel,
    int ReportCount,
    IReadOnlyList<string> Tags,
    CaseFlags Flags,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version,
    DateTime? DueAt = null,
    CaseSlaState SlaState = CaseSlaState.None,
    IReadOnlyList<SlaTargetView>? Sla = null,
    DateTime? AtRiskFrom = null);

/// <summary>
/// One service-level target of a case. <c>kind</c>: first_reply, next_reply or resolution. <c>dueAt</c> is null while the
/// clock is paused (the case waits for the user) and once the target is met; <c>breachedAt</c> is the due time it missed.
/// </summary>
public sealed record SlaTargetView(
    string Kind, DateTime StartedAt, DateTime? DueAt, DateTime? MetAt, DateTime? BreachedAt, bool Paused, DateTime? WarnedAt, string Calendar,
    double TargetMinutes, double UsedMinutes);

public sealed record CaseFlags(bool LiveNow, bool Graphic, bool Minor, bool LegalHold);

/// <summary>A case with its conversation, subjects and timeline.</summary>
public sealed record CaseDetail(
    long Id,
    string Number,
    string Title,
    string Status,
    Severity Severity,
    string? Category,
    string Queue,
    string? Assignee,
    Channel Channel,
    int ReportCount,
    IReadOnlyList<string> Tags,
    CaseFlags Flags,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? FirstRepliedAt,
    DateTime? SolvedAt,
    string? Resolution,
    int Version,
    IReadOnlyList<string> AllowedStatuses,
    ContactView? Requester,
    IReadOnlyList<CaseSubjectView> Subjects,
    IReadOnlyList<MessageView> Messages,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<RuleHitView> RuleHits,
    IReadOnlyList<ProposalView> Proposals,
    long? LinkedCaseId = null,
    DateTime? DueAt = null,
    CaseSlaState SlaState = CaseSlaState.None,
    IReadOnlyList<SlaTargetView>? Sla = null,
    long? MergedInto = null);

/// <summary>Why the case is where it is: a rule that fired, with the values that made it fire.</summary>
public sealed record RuleHitView(string Rule, int Version, bool Shadow, string Trigger, IReadOnlyList<string> Values, IReadOnlyList<string> Actions, DateTime At);

/// <summary>An enforcement action a rule proposed, waiting for people to decide.</summary>
public sealed record ProposalView(Guid Id, string Action, string Target, string? Policy, bool Automatic, string Rule, string Status, DateTime CreatedAt);

/// <summary>The person the case is for. The email is masked (<c>j***@example.com</c>) unless revealed: POST /api/v1/cases/{id}/reveal.</summary>
public sealed record ContactView(Guid Id, string? Name, string? Email);

public sealed record CaseSubjectView(Guid Id, SubjectKind Kind, string ExternalId, string DisplayName, SubjectRole Role);

public sealed record MessageView(
    Guid Id,
    MessageDirection Direction,
    Channel Channel,
    string AuthorType,
    string AuthorName,
    string Text,
    string? Html,
    string? ExternalId,
    string? DeliveryState,
    DateTime CreatedAt,
    string? QuotedText = null,
    string? DeliveryError = null,
    IReadOnlyList<AttachmentView>? Attachments = null);

/// <summary>A file that came with a message. <c>problem</c> says why it is flagged or was refused.</summary>
public sealed record AttachmentView(Guid Id, string FileName, string DeclaredType, string? DetectedType, long Size, bool Inline, string? ContentId, bool Stored, string? Problem);

public sealed record TimelineEntry(Guid Id, DateTime At, string Kind, string ActorType, string ActorName, string? From, string? To, string? Detail);

public static class CaseViews
{
    public static CaseSummary ToSummary(Case c, CategoryCatalog.Snapshot catalog, DateTime now, IEnumerable<CaseTarget> targets) => new(
        c.Id, c.Number, c.Title, CaseStatusRules.ToCode(c.Status), c.Severity, c.Category, QueueName(c.QueueId, catalog), c.Assignee,
        c.Channel, c.ReportCount, c.Tags, new CaseFlags(c.LiveNow, c.Graphic, c.Minor, c.LegalHold), c.CreatedAt, c.UpdatedAt, c.Version,
        c.DueAt, c.SlaStateAt(now), ToViews(targets, now),
        // The next check before the due time is a target's warning (a share of it used): from then on the case is at risk.
        AtRiskFrom: c.SlaCheckAt is { } check && check < c.DueAt ? check : null);

    /// <summary>The targets in the order they started; breaches that came but the monitor has not recorded yet are shown.</summary>
    public static IReadOnlyList<SlaTargetView> ToViews(IEnumerable<CaseTarget> targets, DateTime now) =>
        targets.OrderBy(t => t.StartedAt).ThenBy(t => t.Id).Select(t => new SlaTargetView(
            t.Kind, t.StartedAt, t.DueAt, t.MetAt, t.BreachedAt ?? (t.MetAt is null && t.DueAt <= now ? t.DueAt : null), t.IsPaused, t.WarnedAt,
            t.Calendar, t.Target.TotalMinutes, t.Elapsed.TotalMinutes)).ToList();

    public static string QueueName(Guid queueId, CategoryCatalog.Snapshot catalog) =>
        catalog.QueuesById.TryGetValue(queueId, out var queue) ? queue.Name : queueId.ToString();

    /// <param name="clear">False masks a contact's author name when it is an email address.</param>
    public static MessageView ToView(Message m, bool clear) =>
        new(m.Id, m.Direction, m.Channel, m.AuthorType, clear || m.AuthorType != "contact" ? m.AuthorName : Api.PersonalData.MaskIfEmail(m.AuthorName),
            m.Text, m.Html, m.ExternalId, m.DeliveryState, m.CreatedAt, m.QuotedText, m.DeliveryError,
            m.Attachments.Select(a => new AttachmentView(a.Id, a.FileName, a.DeclaredType, a.DetectedType, a.Size, a.Inline, a.ContentId, a.BlobHash is not null, a.Problem)).ToList());

    public static string ETag(Case c) => $"\"{c.Id}-{c.Version}\"";
}
