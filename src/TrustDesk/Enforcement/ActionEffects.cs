using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Email;
using TrustDesk.Subjects;
using TrustDesk.Webhooks;

namespace TrustDesk.Enforcement;

/// <summary>Case timeline kinds of enforcement (CaseEvent.Kind).</summary>
public static class EnforcementEventKinds
{
    public const string ActionProposed = "action_proposed";
    public const string ActionApproved = "action_approved";
    public const string ActionRejected = "action_rejected";
    public const string ActionExecuted = "action_executed";
    public const string ActionFailed = "action_failed";
    public const string ActionReversed = "action_reversed";
    public const string ProposalDeclined = "proposal_declined";
    public const string AppealReceived = "appeal_received";
    public const string AppealDecided = "appeal_decided";
}

/// <summary>
/// What follows a decision, all in the caller's unit of work so that it commits with the decision or not at all: the
/// strike, the <c>action.executed</c> webhook to the platform, the statement of reasons emailed to the affected user; and
/// on a reversal the <c>action.reversed</c> webhook and the strike's removal.
/// </summary>
public sealed class ActionEffects(TrustDeskDb db, WebhookOutbox webhooks, StatementOfReasons statements, QueueNoticeEmail notices,
    IOptions<EnforcementOptions> options)
{
    private bool _emailed;

    public async Task ApprovedAsync(EnforcementAction action, Case @case, Actor actor, DateTime now, CancellationToken cancellationToken)
    {
        @case.RecordActivity(EnforcementEventKinds.ActionApproved, actor, null, action.Kind, Describe(action), now);
        if (action.Definition.Restriction)
        {
            db.Strikes.Add(new Strike(action, now));
        }

        await webhooks.AddAsync(db, WebhookEvents.ActionExecuted, Payload(action), now, cancellationToken);
        if (action.Definition.Restriction)
        {
            var statement = await statements.BuildAsync(action, cancellationToken);
            await TellUserAsync(action, @case, $"Decision about your account: {action.Definition.Title}",
                StatementOfReasons.EmailText(statement, options.Value.PlatformName), now, cancellationToken);
            action.StatementSent(now);
        }
    }

    public async Task ReversedAsync(EnforcementAction action, Case @case, Actor actor, string why, DateTime now, CancellationToken cancellationToken)
    {
        @case.RecordActivity(EnforcementEventKinds.ActionReversed, actor, action.Kind, ActionStatuses.Reversed, why, now);
        await RemoveStrikesAsync(action, why, now, cancellationToken);
        await webhooks.AddAsync(db, WebhookEvents.ActionReversed, Payload(action), now, cancellationToken);
    }

    public async Task RemoveStrikesAsync(EnforcementAction action, string why, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var strike in await db.Strikes.Where(s => s.ActionId == action.Id && s.RemovedAt == null).ToListAsync(cancellationToken))
        {
            strike.Remove(why, now);
        }
    }

    /// <summary>Emails the affected user (the subject's address, or that of the account behind a listing, stream or order).</summary>
    public async Task<bool> TellUserAsync(EnforcementAction action, Case @case, string subject, string text, DateTime now, CancellationToken cancellationToken)
    {
        var address = await AddressOfAsync(action.SubjectId, cancellationToken);
        if (address is null)
        {
            @case.RecordActivity(EnforcementEventKinds.ActionApproved, Actor.System, null, "not_notified",
                $"No email address is known for {action.SubjectKind.ToString().ToLowerInvariant()}:{action.SubjectExternalId}; the platform must tell the user.", now);
            return false;
        }

        notices.Enqueue(db, @case, address, null, subject, text, Actor.System, now);
        _emailed = true;
        return true;
    }

    /// <summary>After the commit.</summary>
    public void Committed()
    {
        webhooks.NotifyEnqueued();
        if (_emailed)
        {
            notices.Delivered();
        }
    }

    private async Task<string?> AddressOfAsync(Guid subjectId, CancellationToken cancellationToken)
    {
        var own = await db.SubjectIdentifiers.AsNoTracking().Where(i => i.SubjectId == subjectId && i.Type == IdentifierType.Email)
            .Select(i => i.Value).FirstOrDefaultAsync(cancellationToken);
        if (QueueNoticeEmail.IsAddress(own))
        {
            return own;
        }

        var owners = db.SubjectLinks.AsNoTracking().Where(l => l.FromSubjectId == subjectId).Select(l => l.ToSubjectId);
        var linked = await db.SubjectIdentifiers.AsNoTracking().Where(i => owners.Contains(i.SubjectId) && i.Type == IdentifierType.Email)
            .Select(i => i.Value).FirstOrDefaultAsync(cancellationToken);
        return QueueNoticeEmail.IsAddress(linked) ? linked : null;
    }

    public static string Describe(EnforcementAction a) =>
        $"{a.Kind} {a.SubjectKind.ToString().ToLowerInvariant()}:{a.SubjectExternalId} for {a.Policy}" +
        (a.DurationDays is { } days ? $", {days} days" : "") + (a.Amount is { } amount ? $", amount {amount}" : "") + (a.Refund is { } refund ? $", {refund} refund" : "");

    public static object Payload(EnforcementAction a) => new
    {
        actionId = a.Id,
        kind = a.Kind,
        subject = new { kind = a.SubjectKind.ToString().ToLowerInvariant(), externalId = a.SubjectExternalId },
        policy = a.Policy,
        durationDays = a.DurationDays,
        amount = a.Amount,
        refund = a.Refund,
        caseId = a.CaseId,
        decidedAt = a.DecidedAt,
        endsAt = a.EndsAt,
        status = a.Status,
        statementUrl = $"/api/v1/actions/{a.Id}/statement",
    };
}
