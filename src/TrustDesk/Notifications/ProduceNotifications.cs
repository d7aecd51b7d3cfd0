using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.Notifications;

/// <summary>
/// Turns case events into notifications, in the same unit of work as the change (a case observer), whichever path made
/// it: assigned to me, mentioned in a note (<c>@name</c> or <c>@email</c>), a department answered or asked back, a case
/// escalated to my department, an SLA target at risk or breached on my case, the user wrote on my case. Nobody is told
/// about their own doing. New cases are skipped: their id is not known before the insert, and what matters on them
/// (assignment, a reply, an SLA warning) comes as a later change.
/// </summary>
public sealed partial class ProduceNotifications : ICaseChangeObserver
{
    public async Task OnSavingAsync(TrustDeskDb db, IReadOnlyList<CaseChange> changes, UntrackedWrites? untracked, CancellationToken cancellationToken)
    {
        List<Pending>? pending = null;
        foreach (var change in changes)
        {
            if (change.IsNew)
            {
                continue;
            }

            foreach (var e in change.NewEvents)
            {
                if (Plan(change.Case, e) is { } planned)
                {
                    (pending ??= []).AddRange(planned);
                }
            }
        }

        if (pending is null)
        {
            return;
        }

        var users = await ResolveAsync(db, pending, cancellationToken);
        var seen = new HashSet<(Guid, string, long)>();
        foreach (var p in pending)
        {
            foreach (var user in users.Where(u => p.Recipient.Matches(u)))
            {
                // Not the actor themselves; one notice per person, kind and case in one save (a note naming someone twice).
                if (user.Id.ToString() == p.ActorId || !p.Recipient.MaySee(user) || !seen.Add((user.Id, p.Kind, p.Case.Id)))
                {
                    continue;
                }

                var notification = new Notification(user.Id, p.Kind, p.Case.Id, p.Text, p.At);
                if (untracked is not null)
                {
                    untracked.Insert(notification);
                }
                else
                {
                    db.Notifications.Add(notification);
                }
            }
        }
    }

    private sealed record Pending(Case Case, string Kind, string Text, string ActorId, DateTime At, Recipient Recipient);

    /// <summary>Who a notice is for, before the users are looked up.</summary>
    private abstract record Recipient
    {
        public abstract bool Matches(UserRow user);

        /// <summary>A department member hears only of cases escalated to their department.</summary>
        public virtual bool MaySee(UserRow user) => user.Role != UserRole.DepartmentMember || (user.Department is { } d && Escalated.Contains(d));

        public HashSet<string> Escalated { get; init; } = [];
    }

    private sealed record ByEmail(string NormalizedEmail) : Recipient
    {
        public override bool Matches(UserRow user) => user.NormalizedEmail == NormalizedEmail;
    }

    private sealed record ById(Guid Id) : Recipient
    {
        public override bool Matches(UserRow user) => user.Id == Id;
    }

    private sealed record ByDepartment(string Department) : Recipient
    {
        public override bool Matches(UserRow user) => user.Role == UserRole.DepartmentMember && user.Department == Department;

        public override bool MaySee(UserRow user) => true;
    }

    /// <summary><c>@name</c>: the display name without spaces, or the email's local part; <c>@email</c>: the email.</summary>
    private sealed record ByMention(string Token) : Recipient
    {
        public override bool Matches(UserRow user) =>
            Token.Contains('@', StringComparison.Ordinal)
                ? string.Equals(user.NormalizedEmail, Token, StringComparison.OrdinalIgnoreCase)
                : string.Equals(user.DisplayName.Replace(" ", "", StringComparison.Ordinal), Token, StringComparison.OrdinalIgnoreCase)
                  || (user.NormalizedEmail is { } email && email.StartsWith(Token.ToUpperInvariant() + "@", StringComparison.Ordinal));
    }

    private sealed record UserRow(Guid Id, string? NormalizedEmail, string DisplayName, UserRole Role, string? Department);

    [GeneratedRegex(@"(?<![\w@.+-])@([A-Za-z0-9][A-Za-z0-9._%+-]*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)")]
    private static partial Regex Mention();

    private static List<Pending>? Plan(Case @case, CaseEvent e)
    {
        var number = @case.Number;
        switch (e.Kind)
        {
            case CaseEventKinds.Assigned when !string.IsNullOrEmpty(e.To):
                return [new Pending(@case, NotificationKinds.Assigned, $"{e.ActorName} assigned {number} to you", e.ActorId, e.At, new ByEmail(e.To.ToUpperInvariant()))];
            case CaseEventKinds.MessageAdded when e.To == "inbound" && @case.Assignee is { } assignee:
                return [new Pending(@case, NotificationKinds.UserReplied, $"The user wrote on {number}", e.ActorId, e.At, new ByEmail(assignee.ToUpperInvariant()))];
            case CaseEventKinds.MessageAdded when e.To == "internal":
                var note = @case.Messages.LastOrDefault(m => m.Direction == MessageDirection.Internal && m.CreatedAt == e.At && m.AuthorId == e.ActorId);
                return note is null ? null : Mention().Matches(note.Text).Select(m => m.Groups[1].Value.TrimEnd('.'))
                    .Distinct(StringComparer.OrdinalIgnoreCase)
                    .Select(token => new Pending(@case, NotificationKinds.Mentioned, $"{e.ActorName} mentioned you on {number}", e.ActorId, e.At, new ByMention(token)))
                    .ToList();
            case CaseEventKinds.SlaWarning or CaseEventKinds.SlaBreached when @case.Assignee is { } assignee:
                var breached = e.Kind == CaseEventKinds.SlaBreached;
                return [new Pending(@case, breached ? NotificationKinds.SlaBreached : NotificationKinds.SlaAtRisk,
                    $"{number}: {(e.To ?? "SLA").Replace('_', ' ')} target {(breached ? "breached" : "at risk")}", e.ActorId, e.At, new ByEmail(assignee.ToUpperInvariant()))];
            case CaseEventKinds.Escalated when e.To is { } department:
                return [new Pending(@case, NotificationKinds.Escalated, $"{number} was escalated to {Departments.All.GetValueOrDefault(department, department)}", e.ActorId, e.At, new ByDepartment(department))];
            case CaseEventKinds.EscalationAnswered or CaseEventKinds.EscalationAskedBack when Guid.TryParse(e.To, out var escalationId):
                var asked = e.Kind == CaseEventKinds.EscalationAskedBack;
                var title = Departments.All.GetValueOrDefault(e.From ?? "", e.From ?? "The department");
                return [new Pending(@case, asked ? NotificationKinds.DepartmentAsked : NotificationKinds.DepartmentAnswered,
                    asked ? $"{title} asks a question on {number}" : $"{title} answered on {number}", e.ActorId, e.At, new EscalatedBy(escalationId))];
            case CaseEventKinds.EscalationReplied when e.From is { } department:
                return [new Pending(@case, NotificationKinds.Escalated, $"The desk replied on {number}", e.ActorId, e.At, new ByDepartment(department))];
            default:
                return null;
        }
    }

    /// <summary>The person who escalated; found once the escalation is read.</summary>
    private sealed record EscalatedBy(Guid EscalationId) : Recipient
    {
        public Guid? UserId { get; set; }

        public override bool Matches(UserRow user) => user.Id == UserId;
    }

    private static async Task<List<UserRow>> ResolveAsync(TrustDeskDb db, List<Pending> pending, CancellationToken cancellationToken)
    {
        var escalationIds = pending.Select(p => p.Recipient).OfType<EscalatedBy>().Select(r => r.EscalationId).Distinct().ToList();
        if (escalationIds.Count > 0)
        {
            var creators = await db.Escalations.AsNoTracking().Where(e => escalationIds.Contains(e.Id))
                .Select(e => new { e.Id, e.CreatedById }).ToDictionaryAsync(e => e.Id, e => e.CreatedById, cancellationToken);
            foreach (var recipient in pending.Select(p => p.Recipient).OfType<EscalatedBy>())
            {
                recipient.UserId = creators.TryGetValue(recipient.EscalationId, out var by) && Guid.TryParse(by, out var id) ? id : null;
            }
        }

        var emails = pending.Select(p => p.Recipient).OfType<ByEmail>().Select(r => r.NormalizedEmail).Distinct().ToList();
        var ids = pending.Select(p => p.Recipient).OfType<EscalatedBy>().Where(r => r.UserId is not null).Select(r => r.UserId!.Value).Distinct().ToList();
        var departments = pending.Select(p => p.Recipient).OfType<ByDepartment>().Select(r => r.Department).Distinct().ToList();
        var byName = pending.Any(p => p.Recipient is ByMention);
        var users = db.Users.AsNoTracking().Where(u => u.DisabledAt == null);
        // A mention by name can only be matched against the people's names: the desk's staff is a small table.
        var rows = await (byName ? users : users.Where(u => emails.Contains(u.NormalizedEmail!) || ids.Contains(u.Id)
                || (u.Role == UserRole.DepartmentMember && departments.Contains(u.Department!))))
            .Select(u => new UserRow(u.Id, u.NormalizedEmail, u.DisplayName, u.Role, u.Department))
            .ToListAsync(cancellationToken);

        // Which departments each case is escalated to, for mentions and assignments of department members.
        var caseIds = pending.Select(p => p.Case.Id).Distinct().ToList();
        if (rows.Any(r => r.Role == UserRole.DepartmentMember))
        {
            var escalated = await db.Escalations.AsNoTracking().Where(e => caseIds.Contains(e.CaseId)).Select(e => new { e.CaseId, e.Department }).ToListAsync(cancellationToken);
            // Plus escalations added in this same save (not in the database yet).
            escalated.AddRange(db.ChangeTracker.Entries<Escalation>().Where(x => x.State == EntityState.Added).Select(x => new { x.Entity.CaseId, x.Entity.Department }));
            for (var i = 0; i < pending.Count; i++)
            {
                var p = pending[i];
                pending[i] = p with { Recipient = p.Recipient with { Escalated = escalated.Where(x => x.CaseId == p.Case.Id).Select(x => x.Department).ToHashSet() } };
            }
        }

        // Only people who work cases hear of them (an admin mentioned by name does not).
        return [.. rows.Where(r => Permissions.ByRole[r.Role].Contains(Permissions.CasesRead))];
    }
}
