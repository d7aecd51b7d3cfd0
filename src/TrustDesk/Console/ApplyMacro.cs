using System.Security.Claims;
using TrustDesk.Cases;
using TrustDesk.Identity;

namespace TrustDesk.AgentConsole;

/// <summary>
/// Applies a macro's actions to a case: its internal note through <see cref="AddMessage"/>, then status, severity,
/// category, tags and assignee through <see cref="UpdateCase"/> — the API's own use cases, so validation, per-record
/// access, the case's events, audit and webhooks are theirs. The macro's text is not sent: it goes into the composer.
/// </summary>
public sealed class ApplyMacro(ListMacros macros, Macros library, GetCase getCase, UpdateCase updateCase, AddMessage addMessage)
{
    public abstract record Result;
    public sealed record Applied(CaseDetail Case, IReadOnlyList<string> Done) : Result;
    public sealed record NotFound : Result;
    public sealed record Invalid(string Message) : Result;
    public sealed record Changed : Result;

    /// <param name="etag">The case as the agent saw it; a case changed since answers <see cref="Changed"/> and nothing is applied.</param>
    public async Task<Result> HandleAsync(long caseId, Guid macroId, string? etag, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var macro = (await macros.HandleAsync(cancellationToken)).FirstOrDefault(m => m.Id == macroId);
        var detail = await getCase.HandleAsync(caseId, caller, cancellationToken);
        if (macro is null || detail is null)
        {
            return new NotFound();
        }

        if (etag is not null && CaseText.ETag(detail) != etag)
        {
            return new Changed();
        }

        var actions = macro.Actions;
        var changesFields = actions.Status is not null || actions.Severity is not null || actions.Category is not null || actions.AddTags is { Count: > 0 }
            || actions.Assignee is not null;
        if ((changesFields && !caller.Has(Permissions.CasesUpdate)) || (actions.Note is not null && !caller.Has(Permissions.CasesComment)))
        {
            return new Invalid("Your role may not apply this macro's actions.");
        }

        var done = new List<string>();
        if (actions.Note is { } note)
        {
            var text = await library.RenderAsync(new Macro(macro.Id, macro.Name, Macro.Note, note, null, DateTime.UtcNow), detail, caller.Identity?.Name ?? "");
            switch (await addMessage.HandleAsync(caseId, new AddMessageRequest("note", text, null), caller, null, cancellationToken))
            {
                case AddMessage.Added:
                    done.Add("internal note added");
                    break;
                case AddMessage.Invalid invalid:
                    return new Invalid(string.Join(" ", invalid.Errors.SelectMany(e => e.Value)));
                case AddMessage.Forbidden forbidden:
                    return new Invalid(forbidden.Reason);
                default:
                    return new NotFound();
            }
        }

        if (changesFields)
        {
            // Read again after the note (which moved the case's version); tags are added to the case's own, never replace them.
            detail = await getCase.HandleAsync(caseId, caller, cancellationToken);
            if (detail is null)
            {
                return new NotFound();
            }

            var tags = actions.AddTags is { Count: > 0 } added ? detail.Tags.Union(added, StringComparer.Ordinal).ToList() : null;
            var assignee = actions.Assignee == Macro.AssignToApplier ? caller.Identity?.Name : actions.Assignee;
            var request = new UpdateCaseRequest(null, actions.Status, actions.Severity, actions.Category, null, assignee, tags);
            switch (await updateCase.HandleAsync(caseId, request, CaseText.ETag(detail), caller, cancellationToken))
            {
                case UpdateCase.Updated updated:
                    detail = updated.Case;
                    break;
                case UpdateCase.Invalid invalid:
                    return new Invalid(string.Join(" ", invalid.Errors.SelectMany(e => e.Value)));
                case UpdateCase.PreconditionFailed:
                    return new Changed();
                default:
                    return new NotFound();
            }

            done.AddRange(Describe(actions, assignee));
        }
        else
        {
            detail = await getCase.HandleAsync(caseId, caller, cancellationToken) ?? detail;
        }

        return new Applied(detail, done);
    }

    private static IEnumerable<string> Describe(MacroActions actions, string? assignee)
    {
        if (actions.Status is { } status)
        {
            yield return "status " + status.Replace('_', ' ');
        }

        if (actions.Severity is { } severity)
        {
            yield return "severity " + severity;
        }

        if (actions.Category is { } category)
        {
            yield return "category " + category;
        }

        if (actions.AddTags is { Count: > 0 } tags)
        {
            yield return "tags +" + string.Join(" +", tags);
        }

        if (actions.Assignee is not null)
        {
            yield return assignee is { Length: > 0 } who ? "assigned to " + who : "unassigned";
        }
    }
}
