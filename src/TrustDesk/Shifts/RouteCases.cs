using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Taxonomy;

namespace TrustDesk.Shifts;

/// <summary>
/// Assigns a case that lands unassigned in a routed queue (opened there, moved there, or handed back after going
/// unanswered) to an agent who is on shift now for a team covering the queue, online, has the skills (the queue's
/// language, the case's category family, restricted categories by role) and a free seat; least-loaded or in turn.
/// A case observer, so it runs in the unit of work of the change whichever path made it (API, console, email, chat,
/// the intake writer) and is saved with it; the assignment is an <c>assigned</c> event by "TrustDesk routing" on the
/// case (the timeline, the audit trail and the assignee's view of their cases all read it).
/// </summary>
public sealed class RouteCases(RoutingSettingsCache settings, CategoryCatalog catalog, TimeProvider time) : ICaseChangeObserver
{
    public static readonly Actor Routing = new("system", "routing", "TrustDesk routing");

    /// <summary>The event of a case handed back to its queue because its assignee left it unanswered.</summary>
    public const string ReturnedToQueue = "returned_to_queue";

    public async Task OnSavingAsync(TrustDeskDb db, IReadOnlyList<CaseChange> changes, UntrackedWrites? untracked, CancellationToken cancellationToken)
    {
        var routed = await settings.GetAsync(cancellationToken);
        if (routed.Count == 0)
        {
            return;
        }

        List<(Case Case, string? Skip)>? waiting = null;
        foreach (var change in changes)
        {
            var c = change.Case;
            if (c.Assignee is not null || !routed.ContainsKey(c.QueueId) || c.Status is not (CaseStatus.New or CaseStatus.Open or CaseStatus.PendingInternal))
            {
                continue;
            }

            var returned = change.NewEvents.LastOrDefault(e => e.Kind == ReturnedToQueue);
            if (change.IsNew || returned is not null || change.NewEvents.Any(e => e.Kind == CaseEventKinds.QueueChanged))
            {
                (waiting ??= []).Add((c, returned?.From));
            }
        }

        if (waiting is null)
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var roster = await ShiftRoster.LoadAsync(db, now, now.AddSeconds(1), cancellationToken);
        var onByQueue = waiting.Select(w => w.Case.QueueId).Distinct().ToDictionary(q => q, q => roster.OnFor(q, now));
        var onIds = onByQueue.Values.SelectMany(s => s).Distinct().ToList();
        if (onIds.Count == 0)
        {
            return;
        }

        var online = await db.AgentAvailabilities.AsNoTracking().Where(a => onIds.Contains(a.UserId) && a.Status == Availability.Online)
            .Select(a => a.UserId).ToListAsync(cancellationToken);
        var agents = await db.Users.AsNoTracking()
            .Where(u => online.Contains(u.Id) && u.DisabledAt == null && (u.Role == UserRole.Agent || u.Role == UserRole.Specialist || u.Role == UserRole.Lead))
            .Select(u => new { u.Id, u.Email, u.Role }).ToListAsync(cancellationToken);
        if (agents.Count == 0)
        {
            return;
        }

        var agentIds = agents.Select(a => a.Id).ToList();
        var skills = await db.AgentSkills.AsNoTracking().Where(s => agentIds.Contains(s.UserId)).ToDictionaryAsync(s => s.UserId, cancellationToken);
        var loads = await AgentLoads.OpenCasesAsync(db, agents.Select(a => a.Email!), cancellationToken);
        var snapshot = await catalog.GetAsync(cancellationToken);
        var detect = untracked is null && !db.ChangeTracker.AutoDetectChangesEnabled;

        // The most urgent first, so when seats run out the band 1 cases have them.
        foreach (var (c, skip) in waiting.OrderBy(w => w.Case.Band).ThenBy(w => w.Case.CreatedAt))
        {
            var routing = routed[c.QueueId];
            var family = c.Category?.Split('.')[0];
            var restricted = c.Category is not null && snapshot.Categories.TryGetValue(c.Category, out var category) && category.Restricted;
            var eligible = agents
                .Where(a => onByQueue[c.QueueId].Contains(a.Id) && !string.Equals(a.Email, skip, StringComparison.OrdinalIgnoreCase))
                .Select(a => (a.Email, a.Role, Skills: skills.GetValueOrDefault(a.Id) ?? AgentSkills.Default))
                .Where(a => routing.Language is null || a.Skills.LanguageList.Contains(routing.Language))
                .Where(a => family is null || a.Skills.FamilyList.Count == 0 || a.Skills.FamilyList.Contains(family))
                .Where(a => !restricted || Permissions.ByRole[a.Role].Contains(Permissions.CasesRestricted))
                .Where(a => loads.GetValueOrDefault(a.Email!.ToUpperInvariant()) < a.Skills.Capacity)
                .Select(a => a.Email!)
                .OrderBy(e => e, StringComparer.OrdinalIgnoreCase)
                .ToList();
            if (eligible.Count == 0)
            {
                continue;
            }

            var pick = routing.Mode == RoutingMode.RoundRobin
                ? NextInTurn(eligible, settings.LastPick(c.QueueId))
                : eligible.MinBy(e => loads.GetValueOrDefault(e.ToUpperInvariant()))!;
            settings.Picked(c.QueueId, pick);
            loads[pick.ToUpperInvariant()] = loads.GetValueOrDefault(pick.ToUpperInvariant()) + 1;
            c.Assign(pick, Routing, now);
            if (detect)
            {
                // A batch writer turned automatic detection off (as KeepSlaClocks notes): point out the change and its event.
                db.Entry(c).DetectChanges();
                foreach (var e in c.Events.Where(e => db.Entry(e).State == EntityState.Detached))
                {
                    db.Add(e);
                }
            }
        }
    }

    /// <summary>The first agent after the last one picked, in the eligible list's order, wrapping round.</summary>
    internal static string NextInTurn(IReadOnlyList<string> eligible, string? last) =>
        last is null ? eligible[0] : eligible.FirstOrDefault(e => string.Compare(e, last, StringComparison.OrdinalIgnoreCase) > 0) ?? eligible[0];
}
