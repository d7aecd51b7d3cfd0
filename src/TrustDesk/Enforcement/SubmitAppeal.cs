using TrustDesk.Taxonomy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Queues;
using TrustDesk.Api;

namespace TrustDesk.Enforcement;

/// <summary>
/// A user's appeal against an action, through the signed link of their statement of reasons or forwarded by the platform.
/// It opens a case in the appeals queue that carries the original decision and its evidence, linked to the original case.
/// </summary>
public sealed class SubmitAppeal(TrustDeskDb db, StatementOfReasons statements, TimeProvider time, IOptions<EnforcementOptions> options)
{
    public abstract record Result;
    public sealed record Submitted(AppealView Appeal) : Result;
    public sealed record NotFound : Result;
    public sealed record Forbidden(string Reason) : Result;
    public sealed record Conflict(string Reason) : Result;
    public sealed record Gone(string Reason) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    /// <summary>Through the link: the signature binds the action and the deadline; whoever holds it may appeal that action.</summary>
    public async Task<Result> ViaLinkAsync(string? action, long? expires, string? signature, string? statement, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(action ?? "", "N", out var actionId) || expires is not { } expiresUnix
            || !AppealLinks.Verify(await statements.KeyAsync(cancellationToken), actionId, expiresUnix, signature))
        {
            return new Forbidden("This appeal link is not valid. Use the link in your statement of reasons as it is.");
        }

        if (time.GetUtcNow().ToUnixTimeSeconds() > expiresUnix)
        {
            return new Gone("The time to appeal this decision has passed.");
        }

        return await SubmitAsync(actionId, statement, "link", subjectExternalId: null, cancellationToken);
    }

    /// <summary>Forwarded by the platform, which says whose appeal it is: it must be the user the action was taken against.</summary>
    public Task<Result> ViaPlatformAsync(Guid actionId, ForwardAppealRequest request, CancellationToken cancellationToken) =>
        SubmitAsync(actionId, request.Statement, "platform", request.SubjectExternalId ?? "", cancellationToken);

    private async Task<Result> SubmitAsync(Guid actionId, string? statement, string via, string? subjectExternalId, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Required("statement", statement, Appeal.StatementMaxLength);
        if (subjectExternalId is not null)
        {
            errors.Identifier("subjectExternalId", subjectExternalId, Subjects.Subject.ExternalIdMaxLength);
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var action = await db.EnforcementActions.FirstOrDefaultAsync(a => a.Id == actionId, cancellationToken);
        if (action is null)
        {
            return new NotFound();
        }

        if (subjectExternalId is not null && subjectExternalId != action.SubjectExternalId)
        {
            return new Forbidden("The action was not taken against this user; only they may appeal it.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (!action.Definition.Restriction || action.Status is not (ActionStatuses.Approved or ActionStatuses.Executed))
        {
            return new Conflict($"This action ({action.Kind}, {action.Status}) cannot be appealed.");
        }

        if (action.DecidedAt!.Value.AddDays(options.Value.AppealWindowDays) < now)
        {
            return new Gone($"The time to appeal this decision ended on {action.DecidedAt.Value.AddDays(options.Value.AppealWindowDays):yyyy-MM-dd}.");
        }

        if (await db.Appeals.AnyAsync(a => a.ActionId == actionId, cancellationToken))
        {
            return new Conflict("This decision has already been appealed; the appeal is being reviewed.");
        }

        var queue = await db.Queues.FirstAsync(q => q.Name == DefaultQueues.Appeals, cancellationToken);
        var original = await db.Cases.FirstAsync(c => c.Id == action.CaseId, cancellationToken);
        var appellant = new Actor("appellant", action.SubjectExternalId, action.SubjectExternalId);
        var definition = action.Definition;
        var appealCase = Case.Open($"Appeal: {definition.Title} of {action.SubjectKind.ToString().ToLowerInvariant()}:{action.SubjectExternalId}",
            Severity.S3, action.Policy, queue, Channel.Api, null, appellant, now);
        appealCase.AttachSubject(action.SubjectId, SubjectRole.Reported);
        appealCase.LinkTo(original.Id, Actor.System, now);
        appealCase.AddMessage(MessageDirection.Inbound, Channel.Api, statement!.Trim(), appellant, now);
        appealCase.AddMessage(MessageDirection.Internal, Channel.System,
            $"Original decision on {original.Number}: {ActionEffects.Describe(action)}.\nProposed by {action.ProposedByName} at {action.ProposedAt:u}; " +
            $"decided by {action.DecidedByName} at {action.DecidedAt:u}.\nFacts: {action.Reason}\nAction {action.Id} — status {action.Status}.",
            Actor.System, now);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Cases.Add(appealCase);
        await db.SaveChangesAsync(cancellationToken);
        var appeal = new Appeal(action, appealCase.Id, statement.Trim(), via, now);
        db.Appeals.Add(appeal);
        original.RecordActivity(EnforcementEventKinds.AppealReceived, appellant, null, appealCase.Number, $"Appeal against {action.Kind} ({via})", now);
        appealCase.RecordActivity(EnforcementEventKinds.AppealReceived, appellant, null, action.Id.ToString(), $"Appeal against {action.Kind} on {original.Number}", now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique index: the same appeal came in twice at once.
            return new Conflict("This decision has already been appealed; the appeal is being reviewed.");
        }

        return new Submitted(AppealView.Of(appeal));
    }
}
