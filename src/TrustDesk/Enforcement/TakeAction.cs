using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using TrustDesk.Api;

namespace TrustDesk.Enforcement;

/// <summary>
/// Takes (or, when severe, proposes) an action on a case's subject. Severe ones wait for a second person (four eyes);
/// the rest are decided at once, which emits the webhook, the strike and the statement of reasons in the same commit.
/// Everything is checked before anything is written: a refused request leaves no trace but its answer.
/// </summary>
public sealed class TakeAction(TrustDeskDb db, CaseAccess access, CategoryCatalog catalog, ActionEffects effects, TimeProvider time,
    IOptions<EnforcementOptions> options)
{
    public abstract record Result;
    public sealed record Taken(ActionView Action) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record NotFound : Result;
    public sealed record Forbidden(string Reason) : Result;

    public async Task<Result> HandleAsync(TakeActionRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken) =>
        await TakeAsync(request, caller, automatedDetection: false, proposalId: null, cancellationToken);

    internal async Task<Result> TakeAsync(TakeActionRequest request, ClaimsPrincipal caller, bool automatedDetection, Guid? proposalId,
        CancellationToken cancellationToken)
    {
        if (request.CaseId is not { } caseId || !await access.CanSeeAsync(caseId, caller, cancellationToken))
        {
            return request.CaseId is null ? new Invalid(new() { ["caseId"] = ["Required."] }) : new NotFound();
        }

        var errors = new ValidationErrors();
        ActionCatalogue.ByKind.TryGetValue(request.Kind ?? "", out var definition);
        if (definition is null)
        {
            errors.Add("kind", $"Unknown action kind; one of {ActionCatalogue.KindList}.");
        }

        Subject? subject = null;
        if (request.Subject?.Kind is not { } subjectKind || string.IsNullOrWhiteSpace(request.Subject.ExternalId))
        {
            errors.Add("subject", "Required: {\"kind\", \"externalId\"}.");
        }
        else if (definition is not null && !definition.SubjectKinds.Contains(subjectKind))
        {
            errors.Add("subject.kind", $"{definition.Kind} applies to {string.Join(", ", definition.SubjectKinds.Select(k => k.ToString().ToLowerInvariant()))}, not {subjectKind.ToString().ToLowerInvariant()}.");
        }
        else
        {
            var externalId = request.Subject.ExternalId!;
            subject = await db.Subjects.AsNoTracking().FirstOrDefaultAsync(s => s.Kind == subjectKind && s.ExternalId == externalId, cancellationToken);
            if (subject is null)
            {
                errors.Add("subject.externalId", "No such subject: push it with PUT /api/v1/subjects first.");
            }
        }

        if (string.IsNullOrWhiteSpace(request.Policy) || !(await catalog.GetAsync(cancellationToken)).Categories.ContainsKey(request.Policy))
        {
            errors.Add("policy", "A taxonomy code, such as payments.off_platform (GET /api/v1/taxonomy).");
        }

        errors.Required("reason", request.Reason, EnforcementAction.ReasonMaxLength);
        if (definition is not null)
        {
            CheckDuration(definition, request.DurationDays, errors);
            CheckAmount(definition, request.Amount, request.Refund, errors);
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        if (!caller.Has(definition!.Permission))
        {
            return new Forbidden($"Taking {definition.Kind} needs the {definition.Permission} permission.");
        }

        var reasons = await ApprovalReasonsAsync(definition, subject!, request.DurationDays, request.Amount, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var actor = caller.ToActor();
        var @case = await db.Cases.FirstAsync(c => c.Id == caseId, cancellationToken);
        var action = new EnforcementAction(caseId, definition, subject!, request.Policy!, request.Reason!.Trim(), request.DurationDays, request.Amount,
            request.Refund, automatedDetection, proposalId, reasons, actor, now, TimeSpan.FromHours(options.Value.ApprovalExpiryHours));
        db.EnforcementActions.Add(action);
        @case.RecordActivity(EnforcementEventKinds.ActionProposed, actor, null, action.Status,
            ActionEffects.Describe(action) + (action.NeedsApproval ? $"; needs approval: {action.ApprovalReasons}" : ""), now);
        if (action.Status == ActionStatuses.Approved)
        {
            await effects.ApprovedAsync(action, @case, actor, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        effects.Committed();
        return new Taken(ActionView.Of(action));
    }

    private static void CheckDuration(ActionDefinition definition, int? days, ValidationErrors errors)
    {
        if (definition.Duration == DurationUse.None && days is not null)
        {
            errors.Add("durationDays", $"{definition.Kind} takes no duration.");
        }
        else if (definition.Duration == DurationUse.Required && days is null)
        {
            errors.Add("durationDays", $"{definition.Kind} needs a duration of 1 to {ActionCatalogue.MaxDurationDays} days.");
        }
        else if (days is < 1 or > ActionCatalogue.MaxDurationDays)
        {
            errors.Add("durationDays", $"From 1 to {ActionCatalogue.MaxDurationDays} days.");
        }
    }

    private static void CheckAmount(ActionDefinition definition, long? amount, string? refund, ValidationErrors errors)
    {
        if (amount is <= 0)
        {
            errors.Add("amount", "A positive amount in minor units.");
        }

        switch (definition.Amount)
        {
            case AmountUse.None when amount is not null || refund is not null:
                errors.Add(amount is not null ? "amount" : "refund", $"{definition.Kind} takes no amount.");
                break;
            case AmountUse.Optional when refund is not null:
                errors.Add("refund", $"{definition.Kind} takes no refund type.");
                break;
            case AmountUse.Refund when refund is not ("full" or "partial"):
                errors.Add("refund", "full or partial.");
                break;
            case AmountUse.Refund when refund == "partial" && amount is null:
                errors.Add("amount", "A partial refund needs its amount.");
                break;
            case AmountUse.Refund when refund == "full" && amount is not null:
                errors.Add("amount", "A full refund takes no amount.");
                break;
        }
    }

    /// <summary>Why a second person must approve; none for ordinary actions.</summary>
    private async Task<List<string>> ApprovalReasonsAsync(ActionDefinition definition, Subject subject, int? days, long? amount, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var reasons = new List<string>();
        if (definition.Kind == "ban_account")
        {
            reasons.Add("a ban");
        }

        if (definition.Kind == "suspend_account" && days > settings.SuspensionApprovalDays)
        {
            reasons.Add($"a suspension over {settings.SuspensionApprovalDays} days");
        }

        if (definition.Kind == "hold_payouts" && (amount is null || amount > settings.PayoutHoldApprovalAmount))
        {
            reasons.Add(amount is null ? "a hold on all payouts" : $"a payout hold over {settings.PayoutHoldApprovalAmount}");
        }

        if (subject.Kind == SubjectKind.Account)
        {
            var sales = await db.SubjectLinks.CountAsync(l => l.ToSubjectId == subject.Id && l.Relation == "sold_by", cancellationToken);
            if (sales > settings.LargeSellerSales)
            {
                reasons.Add($"an account with {sales} sales");
            }
        }

        return reasons;
    }
}
