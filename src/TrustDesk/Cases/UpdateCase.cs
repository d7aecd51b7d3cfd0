using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Taxonomy;
using TrustDesk.Api;

namespace TrustDesk.Cases;

/// <summary>
/// Changes to a case. Absent fields stay as they are. <c>assignee: ""</c> unassigns. <c>tags</c> replaces the set.
/// <c>resolution</c> (actioned, no_violation, duplicate, user_resolved) goes with solving.
/// </summary>
public sealed record UpdateCaseRequest(
    string? Title,
    string? Status,
    Severity? Severity,
    string? Category,
    string? Queue,
    string? Assignee,
    IReadOnlyList<string>? Tags,
    string? Resolution = null);

/// <summary>Updates a case through its rules (legal status moves only), guarded by the ETag the caller last saw.</summary>
public sealed class UpdateCase(TrustDeskDb db, CategoryCatalog catalog, TimeProvider time, GetCase getCase, CaseAccess access)
{
    public abstract record Result;
    public sealed record Updated(CaseDetail Case) : Result;
    public sealed record NotFound : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record PreconditionFailed(string CurrentETag) : Result;

    public async Task<Result> HandleAsync(long id, UpdateCaseRequest request, string? ifMatch, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var snapshot = await catalog.GetAsync(cancellationToken);
        var errors = new ValidationErrors();
        CaseStatus? status = null;
        if (request.Title is not null)
        {
            errors.Required("title", request.Title, Case.TitleMaxLength);
        }

        if (request.Status is not null)
        {
            if (CaseStatusRules.TryParse(request.Status, out var parsed))
            {
                status = parsed;
            }
            else
            {
                errors.Add("status", "One of new, open, pending_user, pending_internal, on_hold, solved, closed.");
            }
        }

        if (request.Severity is { } severity && !Enum.IsDefined(severity))
        {
            errors.Add("severity", "One of S1, S2, S3, S4.");
        }

        if (request.Category is not null && !snapshot.Categories.ContainsKey(request.Category))
        {
            errors.Add("category", "Unknown category. See GET /api/v1/categories.");
        }

        if (request.Queue is not null && !snapshot.QueuesByName.ContainsKey(request.Queue))
        {
            errors.Add("queue", "Unknown queue. See GET /api/v1/queues.");
        }

        errors.MaxLength("assignee", request.Assignee, 200);
        string? assignee = null;
        if (!string.IsNullOrWhiteSpace(request.Assignee) && request.Assignee.Length <= 200)
        {
            assignee = await CaseAssignees.FindAsync(db, request.Assignee, cancellationToken);
            if (assignee is null)
            {
                errors.Add("assignee", CaseAssignees.NotAUser);
            }
        }
        CreateCase.ValidateTags(errors, "tags", request.Tags);
        if (request.Resolution is not null && !Case.Resolutions.Contains(request.Resolution))
        {
            errors.Add("resolution", $"One of {string.Join(", ", Case.Resolutions)}.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        if (!await access.CanSeeAsync(id, caller, cancellationToken))
        {
            return new NotFound();
        }

        // Without If-Match the caller asked for the change whatever the case looks like now: a save that lost a race
        // (intake joined a report a moment before) is applied again to the case as it is, up to ten times, before giving up.
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await ApplyAsync(id, request, ifMatch, status, assignee, snapshot, caller, cancellationToken);
            if (outcome is not Conflict conflict)
            {
                return outcome ?? new Updated((await getCase.LoadAsync(id, caller, cancellationToken))!);
            }

            db.ChangeTracker.Clear();
            if (ifMatch is not null)
            {
                var current = await db.Cases.AsNoTracking().FirstAsync(c => c.Id == id, cancellationToken);
                return new PreconditionFailed(CaseViews.ETag(current));
            }

            if (attempt == MaxAttempts)
            {
                throw conflict.Error;
            }

            await Task.Delay(CaseConflicts.Backoff(attempt), cancellationToken);
        }
    }

    private const int MaxAttempts = 10;

    private sealed record Conflict(DbUpdateConcurrencyException Error) : Result;

    // Applies the changes and saves: null when saved, a Conflict when the case changed meanwhile, or a refusal.
    private async Task<Result?> ApplyAsync(
        long id, UpdateCaseRequest request, string? ifMatch, CaseStatus? status, string? assignee, CategoryCatalog.Snapshot snapshot,
        ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var @case = await db.Cases.FirstAsync(c => c.Id == id, cancellationToken);
        if (ifMatch is not null && !ETagMatches(ifMatch, CaseViews.ETag(@case)))
        {
            return new PreconditionFailed(CaseViews.ETag(@case));
        }

        var now = time.GetUtcNow().UtcDateTime;
        var actor = caller.ToActor();
        if (request.Title is not null)
        {
            @case.Retitle(request.Title, actor, now);
        }

        if (request.Severity is { } newSeverity)
        {
            @case.ChangeSeverity(newSeverity, actor, now);
        }

        if (request.Category is not null)
        {
            @case.ChangeCategory(request.Category, actor, now);
            if (@case.ClusterKey is { } key && await db.Cases.AnyAsync(c => c.ClusterKey == key && c.Id != id, cancellationToken))
            {
                // Another open case already collects these reports; two collectors would split them.
                @case.StopCollectingReports();
            }
        }

        if (request.Queue is not null)
        {
            @case.MoveToQueue(snapshot.QueuesByName[request.Queue], CaseViews.QueueName(@case.QueueId, snapshot), actor, now);
        }

        if (request.Assignee is not null)
        {
            @case.Assign(assignee ?? "", actor, now);
        }

        if (request.Tags is not null)
        {
            @case.SetTags(request.Tags, actor, now);
        }

        if (status is { } next)
        {
            // Throws CaseRuleException for an illegal move: answered as 409 naming "status".
            @case.ChangeStatus(next, actor, now);
        }

        if (request.Resolution is not null)
        {
            @case.Resolve(request.Resolution, actor, now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException error)
        {
            return new Conflict(error);
        }

        return null;
    }

    /// <summary>Accepts <c>*</c>, the exact ETag, or its weak form; a list of ETags matches if any does.</summary>
    internal static bool ETagMatches(string ifMatch, string current) =>
        ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(tag => tag == "*" || tag == current || tag == "W/" + current);
}
