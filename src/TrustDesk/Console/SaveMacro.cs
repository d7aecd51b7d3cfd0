using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Api;

namespace TrustDesk.AgentConsole;

/// <param name="Type"><c>reply</c> or <c>note</c>.</param>
/// <param name="Template">The text, with Liquid placeholders such as <c>{{ requester.name }}</c>.</param>
public sealed record MacroRequest(string? Name, string? Type, string? Template);

/// <summary>Creates a macro (no id) or changes one. Leads and admins only (<see cref="Permissions.MacrosManage"/>).</summary>
public sealed class SaveMacro(TrustDeskDb db, TimeProvider time)
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

        errors.Required("template", request.Template, Macro.TemplateMaxLength);
        if (!string.IsNullOrWhiteSpace(request.Template) && Macros.Validate(request.Template) is { } problem)
        {
            errors.Add("template", problem);
        }

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

            existing.Change(name, request.Type!, request.Template!, by, now);
            macro = existing;
        }
        else
        {
            macro = new Macro(Guid.CreateVersion7(now), name, request.Type!, request.Template!, by, now);
            db.Macros.Add(macro);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new Saved(macro);
    }
}
