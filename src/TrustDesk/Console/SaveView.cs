using TrustDesk.Taxonomy;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Api;

namespace TrustDesk.AgentConsole;

/// <summary>
/// Saves the inbox's current filters under a name, for the caller only. Saving under a name the caller already uses
/// replaces that view (the natural "update this view").
/// </summary>
public sealed class SaveView(TrustDeskDb db, TimeProvider time)
{
    public abstract record Result;
    public sealed record Saved(SavedViewItem View) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(string? name, InboxFilters filters, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Required("name", name, SavedView.NameMaxLength);
        errors.MaxLength("status", filters.Status, SavedView.FilterMaxLength);
        errors.MaxLength("severity", filters.Severity, SavedView.FilterMaxLength);
        errors.MaxLength("assignee", filters.Assignee, SavedView.FilterMaxLength);
        errors.MaxLength("queue", filters.Queue, SavedView.FilterMaxLength);
        errors.MaxLength("search", filters.Search, SavedView.SearchMaxLength);
        foreach (var status in Split(filters.Status).Where(s => s != "open_any" && !CaseStatusRules.TryParse(s, out _)))
        {
            errors.Add("status", $"Unknown status {status}.");
        }

        foreach (var severity in Split(filters.Severity).Where(s => !Enum.TryParse<Severity>(s, out _)))
        {
            errors.Add("severity", $"Unknown severity {severity}.");
        }

        var userId = Permissions.UserIdOf(caller);
        if (userId is null)
        {
            errors.Add("user", "Only people signed in to the console have saved views.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var trimmed = name!.Trim();
        var clean = new InboxFilters(Blank(filters.Status), Blank(filters.Severity), Blank(filters.Assignee), Blank(filters.Queue), Blank(filters.Search));
        var now = time.GetUtcNow().UtcDateTime;
        var existing = await db.SavedViews.FirstOrDefaultAsync(v => v.UserId == userId && v.Name == trimmed, cancellationToken);
        if (existing is null)
        {
            if (await db.SavedViews.CountAsync(v => v.UserId == userId, cancellationToken) >= SavedView.MaxPerUser)
            {
                errors.Add("name", $"You have {SavedView.MaxPerUser} saved views; delete one first.");
                return new Invalid(errors.ToDictionary());
            }

            existing = new SavedView(userId!.Value, trimmed, clean, now);
            db.SavedViews.Add(existing);
        }
        else
        {
            existing.Set(clean, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new Saved(new SavedViewItem(existing.Id, existing.Name, existing.Filters));
    }

    private static string[] Split(string? list) => list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
