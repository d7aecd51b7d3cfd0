using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Contacts;
using TrustDesk.Data;
using TrustDesk.Metrics;
using TrustDesk.Taxonomy;

namespace TrustDesk.Demo;

/// <summary>
/// Ninety days of the desk's past, so the dashboards open on believable figures: about 20 cases a day (fewer at weekends,
/// more in the afternoon and evening), across the taxonomy, assigned to a handful of agents, answered and solved after
/// times that depend on the severity, some escalated, reopened or late for their SLA, most of the answered email and
/// chat requesters surveyed, and the enforcement actions and appeals some of them led to (<see cref="DemoEnforcementHistory"/>). Written through the case model with past times and saved the ordinary way, so the SLA clocks
/// and the rollups are kept by their observers exactly as for live work. Deterministic (its own seed).
/// </summary>
public static class DemoHistory
{
    public const int Days = 90;

    /// <summary>How many days of history the demo seeds (0: none, today's marketplace only).</summary>
    public const string DaysSetting = "TrustDesk:Demo:HistoryDays";

    /// <summary>Who worked the past: the demo's agent sign-in among them, so "My figures" has something to show.</summary>
    public static readonly string[] Agents =
        ["agent@demo.trustdesk.test", "maya.agent@demo.trustdesk.test", "omar.agent@demo.trustdesk.test", "lena.specialist@demo.trustdesk.test", "specialist@demo.trustdesk.test"];

    private static readonly (string Category, double Weight)[] Mix =
    [
        ("order.not_received", 9), ("order.delivered_not_received", 4), ("order.not_as_described", 6), ("order.late_shipment", 5), ("order.missing_hit", 2),
        ("authenticity.counterfeit", 3), ("authenticity.altered_or_regraded", 1.5), ("authenticity.resealed_packs", 1.5), ("auction.shill_bidding", 2),
        ("auction.non_paying_bidder", 2), ("auction.giveaway_rigging", 1), ("payments.off_platform", 2.5), ("payments.fake_prize_fee", 1.5),
        ("payments.phishing_impersonation", 1), ("payments.account_takeover", 0.6), ("payments.chargeback_abuse", 2), ("conduct.harassment", 3),
        ("conduct.hate", 1), ("conduct.threats_violence", 0.4), ("conduct.spam", 5), ("safety.self_harm", 0.2), ("safety.prohibited_item", 0.6), ("conduct.doxxing", 0.4),
    ];

    /// <summary>
    /// The shipped rules (Triage/RulePacks/default.rules) that flagged some of these cases, with what they set, and how often.
    /// Some hits are misfires (a prize-fee scam taken for an off-platform payment, harassment for hate) that agents moved to the
    /// right category: the Trust &amp; Safety page's rule precision has something to measure.
    /// </summary>
    private static readonly Dictionary<string, (string Rule, string Category, Severity Severity, double Share)> RuleHits = new(StringComparer.Ordinal)
    {
        ["safety.self_harm"] = ("self-harm disclosure", "safety.self_harm", Severity.S1, 0.8),
        ["conduct.threats_violence"] = ("threats of violence", "conduct.threats_violence", Severity.S1, 0.7),
        ["auction.shill_bidding"] = ("shill bidding", "auction.shill_bidding", Severity.S2, 0.5),
        ["payments.off_platform"] = ("off-platform payment or contact details", "payments.off_platform", Severity.S2, 0.6),
        ["payments.fake_prize_fee"] = ("off-platform payment or contact details", "payments.off_platform", Severity.S2, 0.4),
        ["payments.phishing_impersonation"] = ("off-platform payment or contact details", "payments.off_platform", Severity.S2, 0.3),
        ["conduct.hate"] = ("hateful language", "conduct.hate", Severity.S2, 0.6),
        ["conduct.harassment"] = ("hateful language", "conduct.hate", Severity.S2, 0.1),
        ["order.late_shipment"] = ("late-shipping seller warning", "order.late_shipment", Severity.S3, 0.4),
        ["payments.chargeback_abuse"] = ("chargeback velocity", "payments.chargeback_abuse", Severity.S3, 0.5),
    };

    private static readonly string[] Titles = ["Order never arrived", "Item not as described", "Possible counterfeit", "Seller asked to pay off-platform",
        "Abusive messages in chat", "Late shipment", "Refund question", "Suspicious bidding", "Spam on stream", "Account issue"];

    public static async Task SeedAsync(IServiceProvider provider, DateTimeOffset now, int days, CancellationToken cancellationToken)
    {
        var random = new Random(90);
        var db = provider.GetRequiredService<TrustDeskDb>();
        var catalog = await provider.GetRequiredService<CategoryCatalog>().GetAsync(cancellationToken);
        var totalWeight = Mix.Sum(m => m.Weight);
        var today = now.UtcDateTime.Date;
        // Nothing in the past may happen after now: the last answers and solves land a few minutes before it.
        var last = now.UtcDateTime.AddMinutes(-5);
        // Returning buyers: a few hundred people write in again and again, as on a real desk.
        var contacts = new Dictionary<int, Contact>();
        var solvedByContact = new List<(Case Case, Contact Contact, string Agent)>();
        for (var day = days; day >= 1; day--)
        {
            var date = today.AddDays(-day);
            var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var count = (weekend ? 12 : 20) + random.Next(0, 8) + (int)(4 * Math.Sin(day / 9.0));
            var cases = new List<(Case Case, Contact? Contact, string? Agent)>();
            var escalations = new List<(Case Case, string Department, Actor Actor, DateTime At)>();
            var work = new List<Action>();
            for (var n = 0; n < count; n++)
            {
                var category = Pick(random, totalWeight);
                var definition = catalog.Categories[category];
                var queue = catalog.QueuesByName[definition.DefaultQueue];
                // Most reports come in the afternoon and evening (UTC), when the streams run.
                var opened = date.AddHours(Math.Min(23.9, Math.Abs(16 + (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 6)));
                var draw = random.NextDouble();
                var channel = draw < 0.55 ? Channel.Report : draw < 0.80 ? Channel.Email : draw < 0.95 ? Channel.Chat : Channel.Api;
                Contact? contact = null;
                if (channel is Channel.Email or Channel.Chat)
                {
                    var buyer = random.Next(1, 400);
                    if (!contacts.TryGetValue(buyer, out contact))
                    {
                        contact = new Contact($"buyer{buyer:D3}@mail.example", null, null, "en", opened);
                        contacts[buyer] = contact;
                        db.Contacts.Add(contact);
                    }
                }

                (string Rule, string Category, Severity Severity, double Share)? hit =
                    RuleHits.TryGetValue(category, out var rule) && random.NextDouble() < rule.Share ? rule : null;
                var c = Case.Open(Titles[random.Next(Titles.Length)], hit?.Severity ?? definition.DefaultSeverity, hit?.Category ?? category, queue, channel,
                    contact?.Id, Actor.System, opened);
                if (hit is { } flagged)
                {
                    var recorded = new RecordedRuleHit(flagged.Rule, 1, false, "report.received", null, [],
                        [$"severity {flagged.Severity}", $"category {flagged.Category}"], opened);
                    recorded.AttachTo(c);
                    db.Add(recorded);
                }

                var agent = random.NextDouble() < 0.9 ? Agents[random.Next(Agents.Length)] : null;
                var worker = agent is null ? Actor.System : new Actor("user", agent, agent);
                if (agent is not null)
                {
                    c.Assign(agent, Actor.System, opened.AddMinutes(random.Next(1, 25)));
                }

                db.Add(c);
                cases.Add((c, contact, agent));
                // The work on it is done after the save that opened it: the SLA clocks schedule their due times at a save,
                // so a reply or solve in a later save is measured against them (met in time, or late and breached).
                work.Add(() =>
                {
                    var (firstReply, resolution) = definition.DefaultSeverity switch
                    {
                        Severity.S1 => (8.0, 180.0),
                        Severity.S2 => (35.0, 900.0),
                        Severity.S3 => (150.0, 2_200.0),
                        _ => (360.0, 2_900.0),
                    };
                    var replied = Min(opened.AddMinutes(Math.Max(1, LogNormal(random, firstReply, 0.8))), last.AddMinutes(-2));
                    if (random.NextDouble() < 0.35)
                    {
                        c.AddMessage(MessageDirection.Inbound, channel == Channel.Report ? Channel.Email : channel, "Any news on this?", Actor.System, opened.AddMinutes(random.Next(2, 30)));
                    }

                    c.AddMessage(MessageDirection.Outbound, channel == Channel.Report ? Channel.Email : channel,
                        "Thanks for writing in. We are looking into it and will get back to you shortly.", worker, replied);
                    // The console's handle time: a few minutes of reading and writing before the reply, more for a crisis.
                    var handled = (int)Math.Clamp(LogNormal(random, definition.DefaultSeverity == Severity.S1 ? 900 : 300, 0.6), 20, 3_600);
                    c.RecordHandleTime(worker, handled, replied);
                    if (c.Category != category)
                    {
                        // A rule's misfire: the agent puts the case where it belongs.
                        c.ChangeCategory(category, worker, replied);
                    }
                    else if (hit is { Severity: < Severity.S4 } kept && random.NextDouble() < 0.12)
                    {
                        c.ChangeSeverity(kept.Severity + 1, worker, replied, "Less urgent than the rule thought");
                    }

                    if (random.NextDouble() < 0.06)
                    {
                        var department = random.NextDouble() < 0.6 ? "payments" : "logistics";
                        c.RecordEscalation(department, worker, replied.AddSeconds(30));
                        escalations.Add((c, department, worker, replied.AddSeconds(30)));
                    }

                    var solved = Min(replied.AddMinutes(1 + LogNormal(random, resolution, 0.7)), last);
                    c.ChangeStatus(CaseStatus.Solved, worker, solved);
                    c.Resolve(random.NextDouble() < 0.7 ? "actioned" : "no_violation", worker, solved);
                    if (random.NextDouble() < 0.03 && solved.AddHours(30) < last)
                    {
                        c.ChangeStatus(CaseStatus.Open, Actor.System, solved.AddHours(6));
                        c.AddMessage(MessageDirection.Outbound, Channel.Email, "Following up as promised.", worker, solved.AddHours(8));
                        c.ChangeStatus(CaseStatus.Solved, worker, solved.AddHours(30));
                        c.Resolve("actioned", worker, solved.AddHours(30));
                    }
                });
            }

            await db.SaveChangesAsync(cancellationToken);
            foreach (var step in work)
            {
                step();
            }

            await db.SaveChangesAsync(cancellationToken);
            if (escalations.Count > 0)
            {
                // The escalation rows name their case by id, known once the cases are saved.
                foreach (var (c, department, actor, at) in escalations)
                {
                    db.Add(new Escalation(c.Id, department, "Please check the payment trail.", actor, at));
                }

                await db.SaveChangesAsync(cancellationToken);
            }

            foreach (var (c, contact, agent) in cases)
            {
                if (contact is not null && agent is not null && random.NextDouble() < 0.6)
                {
                    solvedByContact.Add((c, contact, agent));
                }
            }

            db.ChangeTracker.Clear();
        }

        await SurveysAsync(db, solvedByContact, random, last, cancellationToken);
        await DemoEnforcementHistory.SeedAsync(db, random, last, cancellationToken);
    }

    // Most answered email and chat requesters were asked (some not, within the quiet period); 45 % of them answered, mostly content.
    private static async Task SurveysAsync(TrustDeskDb db, List<(Case Case, Contact Contact, string Agent)> asked, Random random, DateTime last,
        CancellationToken cancellationToken)
    {
        foreach (var chunk in asked.Chunk(200))
        {
            var ids = chunk.Select(a => a.Case.Id).ToList();
            var cases = await db.Cases.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
            foreach (var (past, contact, agent) in chunk)
            {
                var c = cases[past.Id];
                var sentAt = c.SolvedAt!.Value.AddHours(1);
                if (sentAt >= last)
                {
                    // Solved within the last hour: its survey is not due yet.
                    continue;
                }

                var survey = new CsatSurvey(c.Id, contact.Id, agent, c.SolvedAt.Value, sentAt);
                survey.Sent(sentAt, sentAt.AddDays(14));
                c.RecordActivity(MetricEventKinds.CsatSent, Actor.System, null, null, "Satisfaction survey sent to the requester", sentAt);
                db.Add(survey);
                var answeredAt = sentAt.AddMinutes(random.Next(10, 30 * 60));
                if (random.NextDouble() < 0.45 && answeredAt < last)
                {
                    var score = random.NextDouble() switch { < 0.05 => 1, < 0.11 => 2, < 0.22 => 3, < 0.50 => 4, _ => 5 };
                    survey.Answered(score, answeredAt);
                    c.RecordActivity(MetricEventKinds.CsatReceived, new Actor("contact", contact.Id.ToString(), "Requester"), null,
                        score.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Satisfaction: {score} of 5", answeredAt);
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static string Pick(Random random, double totalWeight)
    {
        var pick = random.NextDouble() * totalWeight;
        foreach (var (category, weight) in Mix)
        {
            if ((pick -= weight) <= 0)
            {
                return category;
            }
        }

        return Mix[^1].Category;
    }

    private static double LogNormal(Random random, double median, double sigma)
    {
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return median * Math.Exp(sigma * normal);
    }
}
