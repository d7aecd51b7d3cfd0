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
    int Version);

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
    int Version,
    IReadOnlyList<string> AllowedStatuses,
    IReadOnlyList<CaseSubjectView> Subjects,
    IReadOnlyList<MessageView> Messages,
    IReadOnlyList<TimelineEntry> Timeline,
    long? LinkedCaseId = null);

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
    public static CaseSummary ToSummary(Case c, CategoryCatalog.Snapshot catalog) => new(
        c.Id, c.Number, c.Title, CaseStatusRules.ToCode(c.Status), c.Severity, c.Category, QueueName(c.QueueId, catalog), c.Assignee,
        c.Channel, c.ReportCount, c.Tags, new CaseFlags(c.LiveNow, c.Graphic, c.Minor, c.LegalHold), c.CreatedAt, c.UpdatedAt, c.Version);

    public static string QueueName(Guid queueId, CategoryCatalog.Snapshot catalog) =>
        catalog.QueuesById.TryGetValue(queueId, out var queue) ? queue.Name : queueId.ToString();

    public static MessageView ToView(Message m) =>
        new(m.Id, m.Direction, m.Channel, m.AuthorType, m.AuthorName, m.Text, m.Html, m.ExternalId, m.DeliveryState, m.CreatedAt,
            m.QuotedText, m.DeliveryError,
            m.Attachments.Select(a => new AttachmentView(a.Id, a.FileName, a.DeclaredType, a.DetectedType, a.Size, a.Inline, a.ContentId, a.BlobHash is not null, a.Problem)).ToList());

    public static string ETag(Case c) => $"\"{c.Id}-{c.Version}\"";
}
