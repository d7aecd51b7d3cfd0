using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Api;

namespace TrustDesk.Cases;

/// <summary>A reply to the requester or an internal note.</summary>
/// <param name="Type"><c>reply</c> (goes to the requester) or <c>note</c> (agents only).</param>
/// <param name="Text">The message.</param>
/// <param name="Status">Optionally move the case in the same step, e.g. reply and set <c>pending_user</c>.</param>
public sealed record AddMessageRequest(string? Type, string? Text, string? Status);

/// <summary>Adds a reply or an internal note to a case.</summary>
public sealed class AddMessage(TrustDeskDb db, TimeProvider time, CaseAccess access, IEnumerable<IReplyChannel> replyChannels)
{
    public const string Operation = "cases.messages.add";
    public const int TextMaxLength = 50_000;

    public abstract record Result;
    public sealed record Added(MessageView Message, int CaseVersion, bool Replayed) : Result;
    public sealed record NotFound : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record IdempotencyMismatch : Result;
    public sealed record Forbidden(string Reason) : Result;

    /// <param name="attachments">Files already kept in the blob store (the console's composer stores them first).</param>
    public async Task<Result> HandleAsync(
        long caseId, AddMessageRequest request, ClaimsPrincipal caller, string? idempotencyKey, CancellationToken cancellationToken,
        IReadOnlyList<MessageAttachment>? attachments = null)
    {
        var errors = new ValidationErrors();
        if (request.Type is not ("reply" or "note"))
        {
            errors.Add("type", "One of reply, note.");
        }

        errors.Required("text", request.Text, TextMaxLength);
        CaseStatus? status = null;
        if (request.Status is not null)
        {
            if (CaseStatusRules.TryParse(request.Status, out var parsed))
            {
                status = parsed;
            }
            else
            {
                errors.Add("status", "Unknown status.");
            }
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        if (!await access.CanSeeAsync(caseId, caller, cancellationToken))
        {
            return new NotFound();
        }

        // Department members answer the desk, not the user: notes only. A reply reaches the user (even on a crisis case)
        // and a status change moves the case, so both need the case workers' permission.
        if ((request.Type == "reply" || status is not null) && !caller.Has(Permissions.CasesUpdate))
        {
            return new Forbidden(request.Type == "reply"
                ? "Only case workers reply to the user; add an internal note for the agent instead."
                : "Only case workers change a case's status; add an internal note for the agent instead.");
        }

        // Two writers on one case at once (an agent, and intake joining a report): the one that loses the race on the
        // case's version adds its message again to the case as it is now, up to ten times, instead of failing a request
        // that stated no precondition.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AddAsync(caseId, request, status, caller, idempotencyKey, attachments, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                db.ChangeTracker.Clear();
                await Task.Delay(CaseConflicts.Backoff(attempt), cancellationToken);
            }
        }
    }

    private const int MaxAttempts = 10;

    private async Task<Result> AddAsync(
        long caseId, AddMessageRequest request, CaseStatus? status, ClaimsPrincipal caller, string? idempotencyKey,
        IReadOnlyList<MessageAttachment>? attachments, CancellationToken cancellationToken)
    {
        var @case = await db.Cases.FirstAsync(c => c.Id == caseId, cancellationToken);

        var clientId = caller.ClientId();
        var requestHash = Idempotency.HashRequest($"{Operation}:{caseId}", request);
        var (check, resourceId) = await Idempotency.CheckAsync(db, clientId, idempotencyKey, requestHash, cancellationToken);
        if (check == Idempotency.Check.Mismatch)
        {
            return new IdempotencyMismatch();
        }

        if (check == Idempotency.Check.Replay)
        {
            var earlier = await db.Messages.AsNoTracking().FirstAsync(m => m.Id == Guid.Parse(resourceId!), cancellationToken);
            return new Added(CaseViews.ToView(earlier, caller.Has(Permissions.PersonalDataRead)), @case.Version, Replayed: true);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var actor = caller.ToActor();
        // A reply goes out on the channel the case came in on (email, chat...): it gets its external id now and what
        // delivers it (an outbox row) in this same transaction. Channels without a way back keep the reply on the case.
        var channel = request.Type == "reply" ? replyChannels.FirstOrDefault(c => c.Channel == @case.Channel) : null;
        var message = @case.AddMessage(request.Type == "reply" ? MessageDirection.Outbound : MessageDirection.Internal, channel?.Channel ?? Channel.Api,
            request.Text!.Trim(), actor, now, channel?.NewExternalId());
        foreach (var attachment in attachments ?? [])
        {
            message.Attach(attachment);
        }

        if (channel is not null)
        {
            await channel.EnqueueAsync(db, @case, message, now, cancellationToken);
        }
        if (status is { } next)
        {
            @case.ChangeStatus(next, actor, now);
        }

        if (idempotencyKey is not null)
        {
            db.IdempotencyRecords.Add(new IdempotencyRecord(clientId, idempotencyKey, requestHash, Operation, message.Id.ToString(), now));
        }

        await db.SaveChangesAsync(cancellationToken);
        channel?.Delivered();

        return new Added(CaseViews.ToView(message, caller.Has(Permissions.PersonalDataRead)), @case.Version, Replayed: false);
    }
}
