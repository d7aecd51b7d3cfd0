using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Api;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Queues;

namespace TrustDesk.Shifts;

/// <param name="Name">Unique, e.g. "Evening team".</param>
/// <param name="LeadUserId">A Lead who answers for the team's cover.</param>
/// <param name="MemberIds">The agents in the team (users who work cases).</param>
/// <param name="Queues">The names of the queues the team covers.</param>
public sealed record TeamRequest(string? Name, Guid? LeadUserId, IReadOnlyList<Guid>? MemberIds, IReadOnlyList<string>? Queues);

public sealed record PersonView(Guid UserId, string Email, string DisplayName);

public sealed record ShiftView(Guid Id, Guid TeamId, string Name, string TimeZone, IReadOnlyList<string> Days, string Start, string End);

public sealed record TeamView(Guid Id, string Name, PersonView? Lead, IReadOnlyList<PersonView> Members, IReadOnlyList<string> Queues, IReadOnlyList<ShiftView> Shifts);

/// <summary>Creates, changes, deletes and lists teams; every change is audited.</summary>
public sealed class ManageTeams(TrustDeskDb db, TimeProvider time)
{
    public const int MaxMembers = 500;

    public abstract record Result;
    public sealed record Done(TeamView Team) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record NotFound : Result;

    public async Task<IReadOnlyList<TeamView>> ListAsync(CancellationToken cancellationToken)
    {
        var teams = await db.Teams.AsNoTracking().Include(t => t.Members).Include(t => t.Queues).AsSplitQuery().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        return await ViewsAsync(teams, cancellationToken);
    }

    public async Task<TeamView?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var team = await db.Teams.AsNoTracking().Include(t => t.Members).Include(t => t.Queues).AsSplitQuery().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        return team is null ? null : (await ViewsAsync([team], cancellationToken))[0];
    }

    public async Task<Result> CreateAsync(TeamRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var (errors, queueIds) = await ValidateAsync(request, null, cancellationToken);
        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        var team = new Team(request.Name!.Trim(), request.LeadUserId, now);
        team.Change(team.Name, request.LeadUserId, request.MemberIds ?? [], queueIds, now);
        db.Teams.Add(team);
        db.Audit(AuditRecords.By(caller, now, "team.created", "team", team.Id.ToString(), Describe(team, request), db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        return new Done((await GetAsync(team.Id, cancellationToken))!);
    }

    public async Task<Result> UpdateAsync(Guid id, TeamRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var team = await db.Teams.Include(t => t.Members).Include(t => t.Queues).AsSplitQuery().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (team is null)
        {
            return new NotFound();
        }

        var (errors, queueIds) = await ValidateAsync(request, id, cancellationToken);
        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        team.Change(request.Name!.Trim(), request.LeadUserId, request.MemberIds ?? [], queueIds, now);
        db.Audit(AuditRecords.By(caller, now, "team.changed", "team", team.Id.ToString(), Describe(team, request), db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        return new Done((await GetAsync(team.Id, cancellationToken))!);
    }

    public async Task<bool> DeleteAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (team is null)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        db.Teams.Remove(team);
        db.Audit(AuditRecords.By(caller, now, "team.deleted", "team", team.Id.ToString(), team.Name, db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private async Task<(ValidationErrors Errors, List<Guid> QueueIds)> ValidateAsync(TeamRequest request, Guid? id, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Identifier("name", request.Name, Team.NameMaxLength);
        if (request.Name is not null && !errors.Any)
        {
            var name = request.Name.Trim();
            if (await db.Teams.AnyAsync(t => t.Name == name && t.Id != id, cancellationToken))
            {
                errors.Add("name", "Another team has this name.");
            }
        }

        if (request.LeadUserId is { } lead && !await db.Users.AnyAsync(u => u.Id == lead && u.DisabledAt == null && u.Role == UserRole.Lead, cancellationToken))
        {
            errors.Add("leadUserId", "Not an active Lead.");
        }

        var members = request.MemberIds ?? [];
        if (members.Count > MaxMembers)
        {
            errors.Add("memberIds", $"At most {MaxMembers} members.");
        }
        else if (await ShiftPeople.FindNotAgentsAsync(db, members, cancellationToken) is { Count: > 0 } wrong)
        {
            errors.Add("memberIds", $"Not active users who work cases: {string.Join(", ", wrong)}.");
        }

        var queueIds = new List<Guid>();
        if (request.Queues is { Count: > 0 } names)
        {
            var queues = await db.Queues.AsNoTracking().ToDictionaryAsync(q => q.Name, q => q.Id, cancellationToken);
            foreach (var name in names.Distinct())
            {
                if (queues.TryGetValue(name ?? "", out var queueId))
                {
                    queueIds.Add(queueId);
                }
                else
                {
                    errors.Add("queues", $"No queue \"{Clip(name)}\"; known: {string.Join(", ", queues.Keys.Order())}.");
                }
            }
        }

        return (errors, queueIds);
    }

    private async Task<IReadOnlyList<TeamView>> ViewsAsync(List<Team> teams, CancellationToken cancellationToken)
    {
        var teamIds = teams.Select(t => t.Id).ToList();
        var shifts = await db.ShiftPatterns.AsNoTracking().Where(s => teamIds.Contains(s.TeamId)).ToListAsync(cancellationToken);
        var people = await ShiftPeople.LoadAsync(db, teams.SelectMany(t => t.Members.Select(m => m.UserId)).Concat(teams.Where(t => t.LeadUserId != null).Select(t => t.LeadUserId!.Value)), cancellationToken);
        var queues = await db.Queues.AsNoTracking().ToDictionaryAsync(q => q.Id, q => q.Name, cancellationToken);
        return [.. teams.Select(t => new TeamView(
            t.Id,
            t.Name,
            t.LeadUserId is { } lead && people.TryGetValue(lead, out var l) ? l : null,
            [.. t.Members.Select(m => people.GetValueOrDefault(m.UserId)).OfType<PersonView>().OrderBy(p => p.DisplayName, StringComparer.OrdinalIgnoreCase)],
            [.. t.Queues.Select(q => queues.GetValueOrDefault(q.QueueId)).OfType<string>().Order(StringComparer.Ordinal)],
            [.. shifts.Where(s => s.TeamId == t.Id).OrderBy(s => s.Start).Select(ManageShiftPatterns.View)]))];
    }

    private static string Describe(Team team, TeamRequest request) =>
        $"{team.Name}; lead {team.LeadUserId}; {team.Members.Count} members; queues {string.Join(",", request.Queues ?? [])}";

    private static string Clip(string? text) => text is null ? "" : text.Length <= 64 ? text : text[..64] + "…";
}

/// <summary>Users as the shift pages and routing name them.</summary>
public static class ShiftPeople
{
    /// <summary>Roles that work cases, and so can be on a team, be routed cases and be on shift.</summary>
    public static readonly UserRole[] CaseWorkers = [UserRole.Agent, UserRole.Specialist, UserRole.Lead];

    public static async Task<Dictionary<Guid, PersonView>> LoadAsync(TrustDeskDb db, IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var list = ids.Distinct().ToList();
        return list.Count == 0
            ? []
            : await db.Users.AsNoTracking().Where(u => list.Contains(u.Id))
                .ToDictionaryAsync(u => u.Id, u => new PersonView(u.Id, u.Email ?? "", u.DisplayName.Length > 0 ? u.DisplayName : u.Email ?? ""), cancellationToken);
    }

    /// <summary>The ids among <paramref name="ids"/> that are not active users of a role that works cases.</summary>
    public static async Task<List<Guid>> FindNotAgentsAsync(TrustDeskDb db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var list = ids.Distinct().ToList();
        var found = await db.Users.AsNoTracking().Where(u => list.Contains(u.Id) && u.DisabledAt == null && (u.Role == UserRole.Agent || u.Role == UserRole.Specialist || u.Role == UserRole.Lead)).Select(u => u.Id).ToListAsync(cancellationToken);
        return [.. list.Except(found)];
    }
}
