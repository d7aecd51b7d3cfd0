using TrustDesk.Taxonomy;
using TrustDesk.Contacts;
using TrustDesk.Data;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Api;
using TrustDesk.Queues;

namespace TrustDesk.Cases;

/// <summary>
/// One problem being worked. Every change goes through a method here that guards the rule and appends
/// the matching <see cref="CaseEvent"/>, so the log can never disagree with the case.
/// </summary>
public sealed class Case
{
    public const int TitleMaxLength = 200;
    public const int MaxTags = 20;
    public const int TagMaxLength = 50;

    private readonly List<CaseEvent> _events = [];
    private readonly List<Message> _messages = [];
    private readonly List<CaseSubject> _subjects = [];
    private readonly List<CaseTarget> _targets = [];
    private List<string> _tags = [];

    private Case()
    {
    }

    public long Id { get; private set; }
    public string Number => FormatNumber(Id);
    [FullTextSearched("IX_Cases_Title_Search")]
    public string Title { get; private set; } = "";
    public CaseStatus Status { get; private set; }
    public Severity Severity { get; private set; }
    public string? Category { get; private set; }
    public Guid QueueId { get; private set; }
    public string? Assignee { get; private set; }
    public Guid? RequesterId { get; private set; }
    public Channel Channel { get; private set; }

    /// <summary>The earlier case this one continues (a user wrote again about a closed case).</summary>
    public long? LinkedCaseId { get; private set; }

    /// <summary>The case this one was merged into: its messages, reports and subjects are there now; this one is closed.</summary>
    public long? MergedIntoId { get; private set; }

    /// <summary>The subject reports cluster on; with the category it forms <see cref="ClusterKey"/>.</summary>
    public Guid? PrimarySubjectId { get; private set; }

    /// <summary>
    /// "subject:category" while the case is open and collecting reports, null otherwise. Unique, so two
    /// writers can never open two cases for the same problem.
    /// </summary>
    public string? ClusterKey { get; private set; }

    /// <summary>
    /// The order of work: the severity, one band more urgent while the case is about a stream that is live now
    /// (an S2 on a live stream is worked with the S1s). Kept as a column so the queue is an index scan.
    /// </summary>
    public int Band { get; private set; }

    public int ReportCount { get; private set; }
    public bool LiveNow { get; private set; }
    public bool Graphic { get; private set; }
    public bool Minor { get; private set; }
    public bool LegalHold { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? FirstRepliedAt { get; private set; }
    public DateTime? SolvedAt { get; private set; }

    /// <summary>
    /// What the agents decided when they solved it: <c>actioned</c> (a violation, acted on), <c>no_violation</c>,
    /// <c>duplicate</c> or <c>user_resolved</c>. Back-tests measure a rule's precision against it.
    /// </summary>
    public string? Resolution { get; private set; }

    /// <summary>Optimistic concurrency: goes up by one with every change; the API's ETag.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<string> Tags => _tags;
    public IReadOnlyList<CaseEvent> Events => _events;
    public IReadOnlyList<Message> Messages => _messages;
    public IReadOnlyList<CaseSubject> Subjects => _subjects;

    /// <summary>The service-level targets and their clocks (kept by the SLA feature through <see cref="ICaseChangeObserver"/>).</summary>
    public IReadOnlyList<CaseTarget> Targets => _targets;

    /// <summary>The earliest due time of a running, unmet target; null when none runs. Indexed: the order of <c>n</c> and of sort=due.</summary>
    public DateTime? DueAt { get; private set; }

    /// <summary>When the next warning or breach of a running target comes; the breach monitor's work list.</summary>
    public DateTime? SlaCheckAt { get; private set; }

    /// <summary>The SLA state as last recorded; <see cref="SlaStateAt(DateTime)"/> says what it is now.</summary>
    public CaseSlaState SlaState { get; private set; }

    public static string FormatNumber(long id) => $"TD-{id}";

    public static bool TryParseNumber(string? text, out long id)
    {
        id = 0;
        return text is not null
            && text.StartsWith("TD-", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(text.AsSpan(3), out id)
            && id > 0;
    }

    public static string MakeClusterKey(Guid subjectId, string? category) => $"{subjectId:N}:{category}";

    public static Case Open(
        string title, Severity severity, string? category, Queue queue, Channel channel, Guid? requesterId,
        Actor actor, DateTime now)
    {
        var @case = new Case
        {
            Title = Truncate(title.Trim(), TitleMaxLength),
            Status = CaseStatus.New,
            Severity = severity,
            Category = category,
            QueueId = queue.Id,
            Channel = channel,
            RequesterId = requesterId,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        @case.Band = BandOf(severity, liveNow: false);
        @case._events.Add(new CaseEvent(now, CaseEventKinds.Created, actor, null, CaseStatusRules.ToCode(CaseStatus.New),
            $"{severity} {category ?? "uncategorised"} in {queue.Name}"));
        return @case;
    }

    /// <summary>Opens a case collecting reports about one subject in one category.</summary>
    public static Case OpenForReports(
        string title, Severity severity, string? category, Queue queue, Guid subjectId, Actor actor, DateTime now, Channel channel = Channel.Report)
    {
        var @case = Open(title, severity, category, queue, channel, null, actor, now);
        @case.PrimarySubjectId = subjectId;
        @case.ClusterKey = MakeClusterKey(subjectId, category);
        @case._subjects.Add(new CaseSubject(subjectId, SubjectRole.Reported));
        return @case;
    }

    public void AttachSubject(Guid subjectId, SubjectRole role)
    {
        if (_subjects.Any(s => s.SubjectId == subjectId && s.Role == role))
        {
            return;
        }

        _subjects.Add(new CaseSubject(subjectId, role));
    }

    /// <summary>A report joins this case: the count goes up and its text joins the conversation.</summary>
    public void AddReport(string text, Guid? reporterSubjectId, Actor actor, DateTime now)
    {
        ReportCount++;
        if (reporterSubjectId is { } reporter && _subjects.All(s => !(s.SubjectId == reporter && s.Role == SubjectRole.Reporter)))
        {
            _subjects.Add(new CaseSubject(reporter, SubjectRole.Reporter));
        }

        _messages.Add(new Message(now, MessageDirection.Inbound, Channel.Report, actor, text, null));
        Append(now, CaseEventKinds.ReportAdded, actor, (ReportCount - 1).ToString(), ReportCount.ToString(), null);
    }

    public void ChangeStatus(CaseStatus to, Actor actor, DateTime now)
    {
        if (to == Status)
        {
            return;
        }

        if (!CaseStatusRules.CanMove(Status, to))
        {
            throw new CaseRuleException(
                "status",
                $"A case cannot move from {CaseStatusRules.ToCode(Status)} to {CaseStatusRules.ToCode(to)}. " +
                $"Allowed: {string.Join(", ", CaseStatusRules.NextFrom(Status).Select(CaseStatusRules.ToCode))}.");
        }

        var from = Status;
        Status = to;
        if (!CaseStatusRules.IsOpen(to))
        {
            // A solved case stops collecting reports; new reports open a fresh case.
            ClusterKey = null;
            SolvedAt ??= now;
        }
        else if (!CaseStatusRules.IsOpen(from))
        {
            SolvedAt = null;
            Resolution = null;
        }

        Append(now, CaseEventKinds.StatusChanged, actor, CaseStatusRules.ToCode(from), CaseStatusRules.ToCode(to), null);
    }

    public void ChangeSeverity(Severity to, Actor actor, DateTime now, string? reason = null)
    {
        if (to == Severity)
        {
            return;
        }

        var from = Severity;
        Severity = to;
        Band = BandOf(Severity, LiveNow);
        Append(now, CaseEventKinds.SeverityChanged, actor, from.ToString(), to.ToString(), reason);
    }

    public void ChangeCategory(string? to, Actor actor, DateTime now)
    {
        if (to == Category)
        {
            return;
        }

        var from = Category;
        Category = to;
        if (ClusterKey is not null && PrimarySubjectId is { } subjectId)
        {
            ClusterKey = MakeClusterKey(subjectId, to);
        }

        Append(now, CaseEventKinds.CategoryChanged, actor, from, to, null);
    }

    public static readonly string[] Resolutions = ["actioned", "no_violation", "duplicate", "user_resolved"];

    /// <summary>Records the decision on a solved or closed case.</summary>
    public void Resolve(string resolution, Actor actor, DateTime now)
    {
        if (!Resolutions.Contains(resolution))
        {
            throw new CaseRuleException("resolution", $"One of {string.Join(", ", Resolutions)}.");
        }

        if (CaseStatusRules.IsOpen(Status))
        {
            throw new CaseRuleException("resolution", "A resolution is recorded when the case is solved: send it with status solved.");
        }

        if (resolution == Resolution)
        {
            return;
        }

        var from = Resolution;
        Resolution = resolution;
        Append(now, CaseEventKinds.Resolved, actor, from, resolution, null);
    }

    /// <summary>The stream this case is about went live or ended.</summary>
    public void SetLiveNow(bool liveNow, Actor actor, DateTime now)
    {
        if (liveNow == LiveNow)
        {
            return;
        }

        LiveNow = liveNow;
        Band = BandOf(Severity, LiveNow);
        Append(now, CaseEventKinds.FlagChanged, actor, liveNow ? null : "live_now", liveNow ? "live_now" : null, null);
    }

    /// <summary>Marks graphic content or a minor involved; flags are raised by rules or agents, never silently dropped.</summary>
    public void RaiseFlags(bool graphic, bool minor, Actor actor, DateTime now)
    {
        if (graphic && !Graphic)
        {
            Graphic = true;
            Append(now, CaseEventKinds.FlagChanged, actor, null, "graphic", null);
        }

        if (minor && !Minor)
        {
            Minor = true;
            Append(now, CaseEventKinds.FlagChanged, actor, null, "minor", null);
        }
    }

    public static int BandOf(Severity severity, bool liveNow) => Math.Max(1, (int)severity - (liveNow ? 1 : 0));

    /// <summary>New reports about the subject will no longer join this case.</summary>
    public void StopCollectingReports() => ClusterKey = null;

    public void MoveToQueue(Queue to, string? fromName, Actor actor, DateTime now)
    {
        if (to.Id == QueueId)
        {
            return;
        }

        QueueId = to.Id;
        Append(now, CaseEventKinds.QueueChanged, actor, fromName, to.Name, null);
    }

    public void Assign(string? assignee, Actor actor, DateTime now)
    {
        assignee = string.IsNullOrWhiteSpace(assignee) ? null : assignee.Trim();
        if (assignee == Assignee)
        {
            return;
        }

        var from = Assignee;
        Assignee = assignee;
        Append(now, CaseEventKinds.Assigned, actor, from, assignee, null);
    }

    public void Retitle(string title, Actor actor, DateTime now)
    {
        title = Truncate(title.Trim(), TitleMaxLength);
        if (title == Title)
        {
            return;
        }

        var from = Title;
        Title = title;
        Append(now, CaseEventKinds.TitleChanged, actor, from, title, null);
    }

    public void SetTags(IEnumerable<string> tags, Actor actor, DateTime now)
    {
        var next = NormaliseTags(tags);
        if (next.SequenceEqual(_tags))
        {
            return;
        }

        var from = string.Join(",", _tags);
        _tags = next;
        Append(now, CaseEventKinds.TagsChanged, actor, from, string.Join(",", next), null);
    }

    /// <summary>
    /// Merges this case into <paramref name="target"/>: its subjects join the target's, its reports count there, and it is
    /// closed as a duplicate with a pointer to the target; both timelines say so. The caller moves the rows that name this
    /// case (messages, reports) in the same transaction.
    /// </summary>
    public void MergeInto(Case target, Actor actor, DateTime now)
    {
        if (target.Id == Id)
        {
            throw new CaseRuleException("into", "A case cannot be merged into itself.");
        }

        if (MergedIntoId is { } earlier)
        {
            throw new CaseRuleException("into", $"This case was already merged into {FormatNumber(earlier)}.");
        }

        if (target.MergedIntoId is { } further)
        {
            throw new CaseRuleException("into", $"{target.Number} was itself merged into {FormatNumber(further)}: merge into that one.");
        }

        if (target.Status == CaseStatus.Closed)
        {
            throw new CaseRuleException("into", $"{target.Number} is closed and takes nothing more: merge into an open case.");
        }

        foreach (var subject in _subjects)
        {
            target.AttachSubject(subject.SubjectId, subject.Role);
        }

        target.ReportCount += ReportCount;
        target.Append(now, CaseEventKinds.MergedFrom, actor, Number, target.Number, $"{ReportCount} report(s), the messages and the subjects of {Number}");

        var from = Status;
        Status = CaseStatus.Closed;
        ClusterKey = null;
        SolvedAt ??= now;
        Resolution ??= "duplicate";
        MergedIntoId = target.Id;
        Append(now, CaseEventKinds.StatusChanged, actor, CaseStatusRules.ToCode(from), CaseStatusRules.ToCode(CaseStatus.Closed), "merged");
        Append(now, CaseEventKinds.Merged, actor, Number, target.Number, null);
    }

    /// <summary>Records that this case continues <paramref name="earlierCaseId"/>.</summary>
    public void LinkTo(long earlierCaseId, Actor actor, DateTime now)
    {
        if (LinkedCaseId == earlierCaseId)
        {
            return;
        }

        LinkedCaseId = earlierCaseId;
        Append(now, CaseEventKinds.Linked, actor, null, FormatNumber(earlierCaseId), "continues an earlier case");
    }

    /// <summary>
    /// Adds a reply, a note or an inbound message. A reply to a new case opens it. Every message of every channel comes in
    /// here, which makes this the one place triage hooks into.
    /// </summary>
    public Message AddMessage(MessageDirection direction, Channel channel, string text, Actor actor, DateTime now, string? externalId = null,
        string? html = null, string? quotedText = null)
    {
        if (Status == CaseStatus.Closed)
        {
            throw new CaseRuleException("case", "A closed case takes no more messages; open a new case that links to it.");
        }

        var message = new Message(now, direction, channel, actor, text, externalId, html, quotedText);
        _messages.Add(message);
        if (direction == MessageDirection.Outbound)
        {
            FirstRepliedAt ??= now;
            if (Status == CaseStatus.New)
            {
                ChangeStatus(CaseStatus.Open, actor, now);
            }
        }

        Append(now, CaseEventKinds.MessageAdded, actor, null, direction.ToString().ToLowerInvariant(), null);
        return message;
    }

    /// <summary>Records that the case was escalated to a department (the escalation row itself is added beside it).</summary>
    public void RecordEscalation(string department, Actor actor, DateTime now, string? escalationId = null) =>
        Append(now, CaseEventKinds.Escalated, actor, null, department, escalationId);

    /// <summary>
    /// Records what a feature built on cases did about this one (an enforcement action proposed or decided, an appeal),
    /// so the timeline and the audit trail show it. <paramref name="kind"/> is the feature's own event kind.
    /// </summary>
    public void RecordActivity(string kind, Actor actor, string? from, string? to, string? detail, DateTime now) =>
        Append(now, kind, actor, from, to, detail);

    /// <summary>A reply could not be delivered (the relay refused it, or a bounce came back).</summary>
    public void RecordDeliveryFailure(Message message, string reason, Actor actor, DateTime now)
    {
        message.MarkFailed(reason);
        Append(now, CaseEventKinds.DeliveryFailed, actor, null, message.Id.ToString(), message.DeliveryError);
    }

    public void AddTarget(CaseTarget target) => _targets.Add(target);

    /// <summary>
    /// The summary of the targets' clocks. Derived data, not a change of the case by anyone: the version (the ETag an agent
    /// holds) stays, so a warning arriving while an agent edits does not make their save fail.
    /// </summary>
    public void SetSlaSummary(DateTime? dueAt, DateTime? checkAt, CaseSlaState state)
    {
        DueAt = dueAt;
        SlaCheckAt = checkAt;
        SlaState = state;
    }

    /// <summary>The SLA state at <paramref name="now"/>: exact even before the breach monitor has recorded a warning or breach that came.</summary>
    public CaseSlaState SlaStateAt(DateTime now) => SlaStateAt(SlaState, DueAt, SlaCheckAt, now);

    public static CaseSlaState SlaStateAt(CaseSlaState recorded, DateTime? dueAt, DateTime? checkAt, DateTime now) =>
        recorded == CaseSlaState.Breached || dueAt <= now ? CaseSlaState.Breached
        : recorded == CaseSlaState.AtRisk || checkAt <= now ? CaseSlaState.AtRisk
        : recorded;

    /// <summary>A target warned or breached: an event on the log (and so the timeline and the audit trail), by TrustDesk itself.</summary>
    public void RecordSlaEvent(string kind, string targetKind, string? detail, DateTime at) =>
        _events.Add(new CaseEvent(at, kind, Actor.System, null, targetKind, detail));

    /// <summary>
    /// Time an agent spent working the case in the console (page open, visible, in use), in whole seconds. Like the SLA
    /// events it leaves the version alone: it is measured while the agent edits, and must not make their next save a conflict.
    /// </summary>
    public void RecordHandleTime(Actor agent, int seconds, DateTime now) =>
        _events.Add(new CaseEvent(now, CaseEventKinds.Handled, agent, null, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), null));

    public static List<string> NormaliseTags(IEnumerable<string> tags) =>
        tags.Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();

    private void Append(DateTime now, string kind, Actor actor, string? from, string? to, string? detail)
    {
        _events.Add(new CaseEvent(now, kind, actor, from, to, detail));
        UpdatedAt = now;
        Version++;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}

/// <summary>A change the case's rules refuse; answered as a 409 problem naming the field.</summary>
public sealed class CaseRuleException(string field, string message) : DomainRuleException(field, message, "The case does not allow this change.");

/// <summary>How <see cref="Case"/> is stored.</summary>
internal sealed class CaseConfiguration : IEntityTypeConfiguration<Case>
{
    public void Configure(EntityTypeBuilder<Case> b)
    {
        b.ToTable("Cases");
        b.Property(c => c.Id).ValueGeneratedOnAdd();
        b.Property(c => c.Title).HasMaxLength(Case.TitleMaxLength);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Severity).HasConversion<int>();
        b.Property(c => c.Category).HasMaxLength(64);
        b.Property(c => c.Assignee).HasMaxLength(200);
        b.Property(c => c.Channel).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.ClusterKey).HasMaxLength(120);
        b.Property(c => c.Resolution).HasMaxLength(20);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.PrimitiveCollection(c => c.Tags).HasField("_tags").UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Ignore(c => c.Number);
        b.HasIndex(c => c.ClusterKey).IsUnique();
        b.HasIndex(c => new { c.Status, c.Band, c.Id });
        b.HasIndex(c => c.PrimarySubjectId);
        b.HasIndex(c => new { c.QueueId, c.Status });
        b.HasIndex(c => c.UpdatedAt);
        // Partial: most cases (every reported one) have no assignee or requester when they open, and an entry for
        // each would be one more index page written per report; "= value" look-ups use the index as before.
        b.HasIndex(c => c.Assignee).HasFilter("\"Assignee\" IS NOT NULL");
        b.HasIndex(c => c.RequesterId).HasFilter("\"RequesterId\" IS NOT NULL");
        b.HasOne<Queue>().WithMany().HasForeignKey(c => c.QueueId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Contact>().WithMany().HasForeignKey(c => c.RequesterId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(c => c.Events).WithOne().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Messages).WithOne(m => m.Case).HasForeignKey(m => m.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Subjects).WithOne().HasForeignKey(s => s.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(c => c.Events).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(c => c.Messages).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(c => c.Subjects).UsePropertyAccessMode(PropertyAccessMode.Field);
        // A plain indexed column, no foreign key: adding one would make SQLite rebuild the Cases table (and drop its
        // full-text triggers), and a link to a deleted case is harmless.
        // Partial, like the assignee's: only cases email linked to an earlier one have a value.
        b.HasIndex(c => c.LinkedCaseId).HasFilter("\"LinkedCaseId\" IS NOT NULL");
        // Like the link: a plain column, and most cases are never merged.
        b.HasIndex(c => c.MergedIntoId).HasFilter("\"MergedIntoId\" IS NOT NULL");
    }
}
