using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Cases;

/// <param name="Into">The case that goes on: it takes this case's messages, reports and subjects.</param>
public sealed record MergeCasesRequest(long? Into);

/// <summary>
/// Merges one case into another (two users wrote about one order; a report and an email about one stream). The target
/// gets the source's messages (so a reply in the source's email thread now lands in the target), reports and subjects;
/// the source is closed as a duplicate, keeps its timeline, and says where it went (<c>mergedInto</c>). All in one
/// transaction.
/// </summary>
public sealed class MergeCases(TrustDeskDb db, CaseAccess access, GetCase getCase, TimeProvider time)
{
    public abstract record Result;
    public sealed record Merged(CaseDetail Target) : Result;
    public sealed record NotFound : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record Conflict(string Field, string Reason) : Result;

    public async Task<Result> HandleAsync(long id, MergeCasesRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        // Both cases must be visible: a case the caller may not see is "not found", whichever side it is on.
        if (!await access.CanSeeAsync(id, caller, cancellationToken))
        {
            return new NotFound();
        }

        if (request.Into is not { } into || into <= 0)
        {
            return new Invalid(new() { ["into"] = ["The id of the case to merge into (a positive number)."] });
        }

        if (into == id)
        {
            return new Invalid(new() { ["into"] = ["A case cannot be merged into itself."] });
        }

        if (!await access.CanSeeAsync(into, caller, cancellationToken))
        {
            return new Invalid(new() { ["into"] = [$"No case {Case.FormatNumber(into)} that you can see."] });
        }

        // Another change to either case between reading and saving (a report joining the target): read both again and redo.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await MergeOnceAsync(id, into, caller, cancellationToken) is { } refused)
                {
                    return refused;
                }

                break;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }

        return new Merged((await getCase.LoadAsync(into, caller, cancellationToken))!);
    }

    /// <summary>Null once merged (now or by an earlier request); else why not.</summary>
    private async Task<Result?> MergeOnceAsync(long id, long into, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var source = await db.Cases.Include(c => c.Subjects).FirstAsync(c => c.Id == id, cancellationToken);
        if (source.MergedIntoId == into)
        {
            // A retry of a merge that was done: the same answer, nothing moved twice.
            return null;
        }

        var target = await db.Cases.Include(c => c.Subjects).FirstAsync(c => c.Id == into, cancellationToken);
        try
        {
            source.MergeInto(target, caller.ToActor(), time.GetUtcNow().UtcDateTime);
        }
        catch (CaseRuleException rule)
        {
            return new Conflict(rule.Field, rule.Message);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Messages.Where(m => m.CaseId == id).ExecuteUpdateAsync(m => m.SetProperty(x => x.CaseId, into), cancellationToken);
        await db.Reports.Where(r => r.CaseId == id).ExecuteUpdateAsync(r => r.SetProperty(x => x.CaseId, into), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }
}
