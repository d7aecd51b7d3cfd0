using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Enforcement;
using TrustDesk.Queues;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;

namespace TrustDesk.Demo;

/// <summary>
/// The enforcement side of the demo's past, so the Trust &amp; Safety page has decisions to show: about a third of the
/// history's cases solved as "actioned" in the conduct, auction, payments and authenticity families ended with an action on
/// the seller's account (a warning, a suspension, held payouts…, decided by the agent who worked the case, and confirmed by
/// the platform); one restriction in six was appealed, most appeals were decided by another specialist, and about a third of
/// those overturned the action. Written through the enforcement model with past times, like <see cref="DemoHistory"/>.
/// </summary>
public static class DemoEnforcementHistory
{
    private static readonly string[] Deciders = ["lena.specialist@demo.trustdesk.test", "specialist@demo.trustdesk.test"];

    public static async Task SeedAsync(TrustDeskDb db, Random random, DateTime last, CancellationToken cancellationToken)
    {
        string[] families = ["conduct.", "auction.", "payments.", "authenticity.", "order.late_shipment"];
        var candidates = (await db.Cases.AsNoTracking()
                .Where(c => c.Resolution == "actioned" && c.SolvedAt != null && c.Assignee != null && c.Category != null)
                .OrderBy(c => c.Id).Select(c => new { c.Id, c.Category }).ToListAsync(cancellationToken))
            .Where(c => families.Any(f => c.Category!.StartsWith(f, StringComparison.Ordinal)) && random.NextDouble() < 0.35)
            .ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        var appealsQueue = await db.Queues.FirstAsync(q => q.Name == DefaultQueues.Appeals, cancellationToken);
        var sellers = new Dictionary<int, Subject>();
        foreach (var chunk in candidates.Chunk(200))
        {
            var ids = chunk.Select(c => c.Id).ToList();
            var cases = await db.Cases.Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken);
            var appeals = new List<(EnforcementAction Action, Case Original, Case AppealCase, DateTime At)>();
            foreach (var c in cases)
            {
                var number = random.Next(1, 150);
                if (!sellers.TryGetValue(number, out var seller))
                {
                    seller = await db.Subjects.FirstOrDefaultAsync(s => s.Kind == SubjectKind.Account && s.ExternalId == $"seller-{number:D3}", cancellationToken)
                        ?? db.Subjects.Add(new Subject(SubjectKind.Account, $"seller-{number:D3}", c.CreatedAt)).Entity;
                    sellers[number] = seller;
                }

                var (kind, days) = ActionFor(c.Category!, random);
                var definition = ActionCatalogue.ByKind[kind];
                var agent = new Actor("user", c.Assignee!, c.Assignee!);
                var decidedAt = c.SolvedAt!.Value.AddMinutes(-1);
                var action = new EnforcementAction(c.Id, definition, seller, c.Category!, $"Confirmed on {c.Number}: {c.Title}.", days, null, null,
                    automatedDetection: false, proposalId: null, approvalReasons: [], agent, decidedAt, TimeSpan.FromHours(72));
                action.Confirm($"demo-{action.Id:N}"[..20], executed: true, null, decidedAt.AddMinutes(2));
                db.EnforcementActions.Add(action);
                c.RecordActivity(EnforcementEventKinds.ActionApproved, agent, null, kind, ActionEffects.Describe(action), decidedAt);
                c.RecordActivity(EnforcementEventKinds.ActionExecuted, Actor.System, ActionStatuses.Approved, ActionStatuses.Executed, null, decidedAt.AddMinutes(2));

                var appealedAt = decidedAt.AddHours(random.Next(2, 72));
                if (definition.Restriction && kind != "warn" && random.NextDouble() < 0.17 && appealedAt < last)
                {
                    var appellant = new Actor("appellant", seller.ExternalId, seller.ExternalId);
                    var appealCase = Case.Open($"Appeal: {definition.Title} of account:{seller.ExternalId}", Severity.S3, c.Category, appealsQueue, Channel.Api, null,
                        appellant, appealedAt);
                    appealCase.AttachSubject(seller.Id, SubjectRole.Reported);
                    appealCase.LinkTo(c.Id, Actor.System, appealedAt);
                    appealCase.AddMessage(MessageDirection.Inbound, Channel.Api, "I think this decision is a mistake: please look at it again.", appellant, appealedAt);
                    db.Cases.Add(appealCase);
                    appeals.Add((action, c, appealCase, appealedAt));
                }
            }

            // The appeal rows name their case by id, known once the cases are saved.
            await db.SaveChangesAsync(cancellationToken);
            foreach (var (action, original, appealCase, at) in appeals)
            {
                var appeal = new Appeal(action, appealCase.Id, "I think this decision is a mistake: please look at it again.", "link", at);
                db.Appeals.Add(appeal);
                var appellant = new Actor("appellant", action.SubjectExternalId, action.SubjectExternalId);
                original.RecordActivity(EnforcementEventKinds.AppealReceived, appellant, null, appealCase.Number, $"Appeal against {action.Kind} (link)", at);
                appealCase.RecordActivity(EnforcementEventKinds.AppealReceived, appellant, null, action.Id.ToString(), $"Appeal against {action.Kind} on {original.Number}", at);
                var decidedAt = at.AddHours(random.Next(2, 40));
                if (random.NextDouble() < 0.8 && decidedAt < last)
                {
                    // Judged by someone who took no part in the decision.
                    var decider = Deciders.First(d => !action.TookPart(d));
                    var judge = new Actor("user", decider, decider);
                    var overturn = random.NextDouble() < 0.3;
                    appeal.Decide(overturn, judge, overturn ? "The evidence does not hold up." : "The decision stands.", decidedAt);
                    if (overturn)
                    {
                        action.Reverse(judge, decidedAt);
                        original.RecordActivity(EnforcementEventKinds.ActionReversed, judge, action.Kind, ActionStatuses.Reversed, "Overturned on appeal", decidedAt);
                    }

                    original.RecordActivity(EnforcementEventKinds.AppealDecided, judge, AppealStatuses.Open, appeal.Status, null, decidedAt);
                    appealCase.RecordActivity(EnforcementEventKinds.AppealDecided, judge, AppealStatuses.Open, appeal.Status, null, decidedAt);
                    appealCase.Assign(decider, judge, at.AddMinutes(30));
                    appealCase.ChangeStatus(CaseStatus.Solved, judge, decidedAt);
                    appealCase.Resolve(overturn ? "no_violation" : "actioned", judge, decidedAt);
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            sellers.Clear();
        }
    }

    // What a desk typically does about each kind of problem, with a duration where the action needs one.
    private static (string Kind, int? Days) ActionFor(string category, Random random) => category switch
    {
        "conduct.spam" or "order.late_shipment" => ("warn", null),
        "conduct.harassment" or "conduct.hate" => random.NextDouble() < 0.6 ? ("warn", null) : ("suspend_account", 7),
        "conduct.threats_violence" or "conduct.doxxing" => ("suspend_account", 30),
        "auction.shill_bidding" => ("suspend_account", 14),
        "auction.non_paying_bidder" or "payments.chargeback_abuse" => ("restrict_buying", 30),
        "auction.giveaway_rigging" => ("restrict_selling", 30),
        var c when c.StartsWith("authenticity.", StringComparison.Ordinal) => random.NextDouble() < 0.5 ? ("hold_payouts", 30) : ("restrict_selling", 60),
        var c when c.StartsWith("payments.", StringComparison.Ordinal) => random.NextDouble() < 0.3 ? ("ban_account", null) : ("hold_payouts", 14),
        _ => ("warn", null),
    };
}
