using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Api;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Queues;
using TrustDesk.Taxonomy;

namespace TrustDesk.Shifts;

/// <param name="Mode">pull_only (agents take cases), least_loaded or round_robin.</param>
/// <param name="Language">A language every agent routed this queue's cases must speak (en, es, pt-br); null for none.</param>
/// <param name="UnansweredTimeoutMinutes">A routed case its assignee has not answered after this long goes back to the queue (1–1440); null never.</param>
public sealed record QueueRoutingRequest(RoutingMode? Mode, string? Language, int? UnansweredTimeoutMinutes);

public sealed record QueueRoutingView(string Queue, RoutingMode Mode, string? Language, int? UnansweredTimeoutMinutes, IReadOnlyList<string> Teams);

/// <param name="Languages">Languages the agent works in (en, es, ...).</param>
/// <param name="CategoryFamilies">Category families the agent takes (payments, safety, ...); empty for every family.</param>
/// <param name="Capacity">How many open cases the agent holds at most (1–200).</param>
public sealed record AgentSkillsRequest(IReadOnlyList<string>? Languages, IReadOnlyList<string>? CategoryFamilies, int? Capacity);

public sealed record AgentSkillsView(Guid UserId, string Email, string DisplayName, string Role, IReadOnlyList<string> Languages, IReadOnlyList<string> CategoryFamilies, int Capacity, bool Restricted);

/// <summary>Each queue's routing and each agent's skills and capacity; every change is audited.</summary>
public sealed partial class ConfigureRouting(TrustDeskDb db, RoutingSettingsCache cache, CategoryCatalog catalog, TimeProvider time)
{
    public const int MaxTimeoutMinutes = 1440;

    public abstract record Result;
    public sealed record Done<T>(T View) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record NotFound : Result;

    [GeneratedRegex("^[a-z]{2,3}(-[a-z0-9]{2,8})?$")]
    private static partial Regex LanguageCode();

    public async Task<IReadOnlyList<QueueRoutingView>> ListQueuesAsync(CancellationToken cancellationToken)
    {
        var queues = await db.Queues.AsNoTracking().OrderBy(q => q.Name).ToListAsync(cancellationToken);
        var routings = await db.QueueRoutings.AsNoTracking().ToDictionaryAsync(r => r.QueueId, cancellationToken);
        var teams = await db.Teams.AsNoTracking().Include(t => t.Queues).ToListAsync(cancellationToken);
        return [.. queues.Select(q => routings.GetValueOrDefault(q.Id) is { } r
            ? new QueueRoutingView(q.Name, r.Mode, r.Language, r.UnansweredTimeoutMinutes, TeamsOf(teams, q.Id))
            : new QueueRoutingView(q.Name, RoutingMode.PullOnly, null, null, TeamsOf(teams, q.Id)))];
    }

    public async Task<Result> SetQueueAsync(string queueName, QueueRoutingRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var queue = await db.Queues.AsNoTracking().FirstOrDefaultAsync(q => q.Name == queueName, cancellationToken);
        if (queue is null)
        {
            return new NotFound();
        }

        var errors = new ValidationErrors();
        if (request.Mode is null)
        {
            errors.Add("mode", "One of pull_only, least_loaded, round_robin.");
        }

        var language = string.IsNullOrWhiteSpace(request.Language) ? null : request.Language.Trim().ToLowerInvariant();
        if (language is not null && !LanguageCode().IsMatch(language))
        {
            errors.Add("language", "A language code such as en, es or pt-br.");
        }

        if (request.UnansweredTimeoutMinutes is { } minutes && minutes is < 1 or > MaxTimeoutMinutes)
        {
            errors.Add("unansweredTimeoutMinutes", $"From 1 to {MaxTimeoutMinutes} minutes, or null for never.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        var row = await db.QueueRoutings.FirstOrDefaultAsync(r => r.QueueId == queue.Id, cancellationToken);
        if (row is null)
        {
            db.QueueRoutings.Add(new QueueRouting(queue.Id, request.Mode!.Value, language, request.UnansweredTimeoutMinutes, now));
        }
        else
        {
            row.Change(request.Mode!.Value, language, request.UnansweredTimeoutMinutes, now);
        }

        db.Audit(AuditRecords.By(caller, now, "queue.routing_changed", "queue", queue.Name,
            $"{request.Mode} language {language ?? "-"} timeout {request.UnansweredTimeoutMinutes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}", db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        cache.Invalidate();
        var teams = await db.Teams.AsNoTracking().Include(t => t.Queues).ToListAsync(cancellationToken);
        return new Done<QueueRoutingView>(new QueueRoutingView(queue.Name, request.Mode!.Value, language, request.UnansweredTimeoutMinutes, TeamsOf(teams, queue.Id)));
    }

    public async Task<IReadOnlyList<AgentSkillsView>> ListAgentsAsync(CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking()
            .Where(u => u.DisabledAt == null && (u.Role == UserRole.Agent || u.Role == UserRole.Specialist || u.Role == UserRole.Lead))
            .OrderBy(u => u.Email).Take(2000).ToListAsync(cancellationToken);
        var skills = await db.AgentSkills.AsNoTracking().ToDictionaryAsync(s => s.UserId, cancellationToken);
        return [.. users.Select(u => View(u, skills.GetValueOrDefault(u.Id) ?? AgentSkills.Default))];
    }

    public async Task<Result> SetAgentAsync(Guid userId, AgentSkillsRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(
            u => u.Id == userId && u.DisabledAt == null && (u.Role == UserRole.Agent || u.Role == UserRole.Specialist || u.Role == UserRole.Lead), cancellationToken);
        if (user is null)
        {
            return new NotFound();
        }

        var errors = new ValidationErrors();
        var languages = (request.Languages ?? []).Select(l => (l ?? "").Trim().ToLowerInvariant()).ToList();
        if (languages.Count == 0 || languages.Count > 20 || languages.Any(l => !LanguageCode().IsMatch(l)))
        {
            errors.Add("languages", "One to twenty language codes such as en, es or pt-br.");
        }

        var snapshot = await catalog.GetAsync(cancellationToken);
        var known = snapshot.Categories.Keys.Select(c => c.Split('.')[0]).ToHashSet(StringComparer.Ordinal);
        var families = (request.CategoryFamilies ?? []).Select(f => (f ?? "").Trim().ToLowerInvariant()).ToList();
        if (families.FirstOrDefault(f => !known.Contains(f)) is { } unknown)
        {
            errors.Add("categoryFamilies", $"Unknown family \"{(unknown.Length > 40 ? unknown[..40] : unknown)}\"; known: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
        }

        if (request.Capacity is not { } capacity || capacity is < 1 or > AgentSkills.MaxCapacity)
        {
            errors.Add("capacity", $"From 1 to {AgentSkills.MaxCapacity} open cases.");
            capacity = 0;
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        var row = await db.AgentSkills.FirstOrDefaultAsync(s => s.UserId == userId, cancellationToken);
        if (row is null)
        {
            db.AgentSkills.Add(row = new AgentSkills(userId, languages, families, capacity, now));
        }
        else
        {
            row.Change(languages, families, capacity, now);
        }

        db.Audit(AuditRecords.By(caller, now, "agent.skills_changed", "user", userId.ToString(), $"languages {row.Languages}; families {row.CategoryFamilies}; capacity {capacity}", db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        return new Done<AgentSkillsView>(View(user, row));
    }

    private static AgentSkillsView View(TrustDeskUser u, AgentSkills s) => new(
        u.Id, u.Email ?? "", u.DisplayName.Length > 0 ? u.DisplayName : u.Email ?? "", Roles.Name(u.Role), s.LanguageList, s.FamilyList, s.Capacity,
        Permissions.ByRole[u.Role].Contains(Permissions.CasesRestricted));

    private static List<string> TeamsOf(List<Team> teams, Guid queueId) =>
        [.. teams.Where(t => t.Queues.Any(q => q.QueueId == queueId)).Select(t => t.Name).Order(StringComparer.Ordinal)];
}

internal static class Roles
{
    public static string Name(UserRole role) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(role.ToString());
}
