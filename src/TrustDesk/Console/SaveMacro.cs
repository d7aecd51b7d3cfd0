using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Api;
using TrustDesk.Cases;
using TrustDesk.Taxonomy;

namespace TrustDesk.AgentConsole;

/// <param name="Type"><c>reply</c> or <c>note</c>.</param>
/// <param name="Template">The text, with Liquid placeholders such as <c>{{ requester.name }}</c>; may be empty when the macro has actions.</param>
/// <param name="Actions">What the macro also does to the case (status, severity, category, tags, assignee, a note).</param>
public sealed record MacroRequest(string? Name, string? Type, string? Template, MacroActions? Actions = null);

/// <summary>Creates a macro (no id) or changes one. Leads and admins only (<see cref="Permissions.MacrosManage"/>).</summary>
public sealed class SaveMacro(TrustDeskDb db, CategoryCatalog catalog, TimeProvider time)
{
    public abstract record Result;
    public sealed record Saved(Macro Macro) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record NotFound : Result;
    public sealed record Forbidden : Result;

    public async Task<Result> HandleAsync(Guid? id, MacroRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (!caller.Has(Permissions.MacrosManage))
        {
            return new Forbidden();
        }

        var errors = new ValidationErrors();
        errors.Required("name", request.Name, Macro.NameMaxLength);
        if (request.Type is not (Macro.Reply or Macro.Note))
        {
            errors.Add("type", "One of reply, note.");
        }

        var actions = Normalise(request.Actions ?? MacroActions.None);
        if (HasAny(actions))
        {
            errors.MaxLength("template", request.Template, Macro.TemplateMaxLength);
        }
        else
        {
            errors.Required("template", request.Template, Macro.TemplateMaxLength);
        }

        if (!string.IsNullOrWhiteSpace(request.Template) && Macros.Validate(request.Template) is { } problem)
        {
            errors.Add("template", problem);
        }

        await ValidateAsync(errors, actions, cancellationToken);

        var name = request.Name?.Trim() ?? "";
        if (name.Length > 0 && await db.Macros.AnyAsync(m => m.Name == name && m.Id != id, cancellationToken))
        {
            errors.Add("name", "Another macro has this name.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        var by = caller.Identity?.Name;
        Macro macro;
        if (id is { } existingId)
        {
            var existing = await db.Macros.FirstOrDefaultAsync(m => m.Id == existingId, cancellationToken);
            if (existing is null)
            {
                return new NotFound();
            }

            existing.Change(name, request.Type!, request.Template ?? "", by, now);
            macro = existing;
        }
        else
        {
            macro = new Macro(Guid.CreateVersion7(now), name, request.Type!, request.Template ?? "", by, now);
            db.Macros.Add(macro);
        }

        macro.SetActions(actions);

        await db.SaveChangesAsync(cancellationToken);
        return new Saved(macro);
    }

    // Blank means "leave as it is", except the assignee: "" (or "nobody") unassigns, null leaves it.
    private static MacroActions Normalise(MacroActions a) => new(
        string.IsNullOrWhiteSpace(a.Status) ? null : a.Status.Trim(),
        a.Severity,
        string.IsNullOrWhiteSpace(a.Category) ? null : a.Category.Trim(),
        a.AddTags?.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList() ?? [],
        a.Assignee?.Trim() is "nobody" ? "" : a.Assignee?.Trim(),
        string.IsNullOrWhiteSpace(a.Note) ? null : a.Note);

    private static bool HasAny(MacroActions a) =>
        a.Status is not null || a.Severity is not null || a.Category is not null || a.AddTags is { Count: > 0 } || a.Assignee is not null || a.Note is not null;

    // The checks UpdateCase makes, made when the macro is saved, so a Lead learns of a wrong value before an agent applies it.
    private async Task ValidateAsync(ValidationErrors errors, MacroActions actions, CancellationToken cancellationToken)
    {
        if (actions.Status is not null && !CaseStatusRules.TryParse(actions.Status, out _))
        {
            errors.Add("actions.status", "One of new, open, pending_user, pending_internal, on_hold, solved, closed.");
        }

        if (actions.Severity is { } severity && !Enum.IsDefined(severity))
        {
            errors.Add("actions.severity", "One of S1, S2, S3, S4.");
        }

        if (actions.Category is not null && !(await catalog.GetAsync(cancellationToken)).Categories.ContainsKey(actions.Category))
        {
            errors.Add("actions.category", "Unknown category. See GET /api/v1/categories.");
        }

        CreateCase.ValidateTags(errors, "actions.addTags", actions.AddTags);
        errors.MaxLength("actions.assignee", actions.Assignee, 256);
        if (actions.Assignee is { Length: > 0 and <= 256 } assignee && assignee != Macro.AssignToApplier
            && await CaseAssignees.FindAsync(db, assignee, cancellationToken) is null)
        {
            errors.Add("actions.assignee", "Not a user of TrustDesk: \"me\" (the agent applying the macro), an active user's email, or \"nobody\".");
        }

        errors.MaxLength("actions.note", actions.Note, Macro.TemplateMaxLength);
        if (actions.Note is not null && Macros.Validate(actions.Note) is { } problem)
        {
            errors.Add("actions.note", problem);
        }
    }
}
