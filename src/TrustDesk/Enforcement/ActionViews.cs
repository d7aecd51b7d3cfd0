using TrustDesk.Subjects;

namespace TrustDesk.Enforcement;

public sealed record ActionSubjectRequest(SubjectKind? Kind, string? ExternalId);

/// <param name="CaseId">The case the action is taken on (the evidence).</param>
/// <param name="Kind">A kind of the catalogue: warn, remove_listing, end_livestream, restrict_selling, restrict_buying, suspend_account,
/// ban_account, hold_payouts, release_payouts, cancel_order, refund_order, require_verification.</param>
/// <param name="Policy">The taxonomy code of the policy enforced, such as payments.off_platform.</param>
/// <param name="Reason">The facts and circumstances (they go into the statement of reasons).</param>
/// <param name="DurationDays">1 to 365: required for suspend_account, optional for restrictions and payout holds.</param>
/// <param name="Amount">Minor units: a payout hold's amount (none holds everything) or a partial refund's.</param>
/// <param name="Refund">refund_order: full or partial.</param>
public sealed record TakeActionRequest(long? CaseId, string? Kind, ActionSubjectRequest? Subject, string? Policy, string? Reason, int? DurationDays,
    long? Amount = null, string? Refund = null);

public sealed record ActionView(
    Guid Id, long CaseId, string Kind, string Title, ActionSubjectView Subject, string Policy, string Reason, int? DurationDays, long? Amount,
    string? Refund, string Status, bool NeedsApproval, string? ApprovalReasons, DateTime? ApprovalExpiresAt, string ProposedBy, DateTime ProposedAt,
    string? DecidedBy, DateTime? DecidedAt, string? DecisionNote, DateTime? ConfirmedAt, string? FailureReason, DateTime? ReversedAt,
    bool AutomatedDetection, bool Reversible, Guid? AppealId, string? AppealStatus)
{
    public static ActionView Of(EnforcementAction a, Appeal? appeal = null) => new(
        a.Id, a.CaseId, a.Kind, a.Definition.Title, new ActionSubjectView(a.SubjectKind, a.SubjectExternalId), a.Policy, a.Reason, a.DurationDays,
        a.Amount, a.Refund, a.Status, a.NeedsApproval, a.ApprovalReasons, a.ApprovalExpiresAt, a.ProposedByName, a.ProposedAt, a.DecidedByName,
        a.DecidedAt, a.DecisionNote, a.ConfirmedAt, a.FailureReason, a.ReversedAt, a.AutomatedDetection, a.Definition.Reversible, appeal?.Id,
        appeal?.Status);
}

public sealed record ActionSubjectView(SubjectKind Kind, string ExternalId);

/// <param name="Note">Why, for the record (optional).</param>
public sealed record DecideActionRequest(string? Note);

/// <param name="ConfirmationId">The platform's own id for this confirmation (its job or event id).</param>
/// <param name="Outcome">executed or failed.</param>
/// <param name="Error">Why it failed, when it did.</param>
public sealed record ConfirmActionRequest(string? ConfirmationId, string? Outcome, string? Error);

public sealed record StrikeView(Guid Id, Guid ActionId, string Kind, string Policy, string Family, DateTime IssuedAt, DateTime ExpiresAt,
    DateTime? RemovedAt, string? RemovedReason, bool Active);

public sealed record LadderSuggestion(string Family, int ActiveStrikes, string NextKind, int? NextDurationDays);

public sealed record StandingView(ActionSubjectView Subject, string Standing, int ActiveStrikes, IReadOnlyList<StrikeView> Strikes,
    IReadOnlyList<LadderSuggestion> Suggestions);

/// <param name="Statement">What the user says.</param>
/// <param name="SubjectExternalId">The platform's id of the user appealing: it must be the action's subject.</param>
public sealed record ForwardAppealRequest(string? Statement, string? SubjectExternalId);

/// <param name="Outcome">upheld or overturned.</param>
public sealed record DecideAppealRequest(string? Outcome, string? Note);

public sealed record AppealView(Guid Id, Guid ActionId, long CaseId, string Status, string Via, DateTime SubmittedAt, string? DecidedBy, DateTime? DecidedAt,
    string? DecisionNote)
{
    public static AppealView Of(Appeal a) => new(a.Id, a.ActionId, a.CaseId, a.Status, a.Via, a.SubmittedAt, a.DecidedByName, a.DecidedAt, a.DecisionNote);
}
