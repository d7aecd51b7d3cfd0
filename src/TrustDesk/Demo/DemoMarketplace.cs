using TrustDesk.Identity;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Access;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Intake;
using TrustDesk.Subjects;
using TrustDesk.Api;

namespace TrustDesk.Demo;

/// <summary>
/// Seeds a believable live marketplace — sellers streaming breaks, buyers bidding, parcels late or lost, and the
/// reports that follow — through the same use cases the API calls, so the demo exercises the real paths.
/// Deterministic (fixed random seed) and only once per data directory.
/// </summary>
public static class DemoMarketplace
{
    public const int Accounts = 240;
    public const int Sellers = 30;
    public const int Livestreams = 36;
    public const int Orders = 1_100;

    private static readonly string[] HandleWords =
        ["card", "slab", "hobby", "break", "sneaker", "kicks", "vault", "pack", "rip", "grail", "mint", "gem", "retro", "flip", "chase", "poke", "hoops", "gridiron", "drip", "sole"];

    private static readonly string[] StreamTitles =
        ["Sunday night hobby box break", "Pokémon 151 booster rip", "Jordan retro restock drop", "Vintage PSA 10 auction", "$1 start slabs till midnight",
         "Topps Chrome case break", "Yu-Gi-Oh OTS pack battle", "Sneaker mystery box live", "Graded grails auction", "Prizm basketball random teams"];

    /// <summary>Report texts per category: what users actually write.</summary>
    private static readonly Dictionary<string, string[]> ReportTexts = new()
    {
        ["order.not_received"] = ["Paid 3 weeks ago, tracking hasn't moved since the label was created.", "My order never arrived and the seller stopped answering.", "Still no package, it's been 24 days."],
        ["order.delivered_not_received"] = ["Tracking says delivered but nothing in my mailbox or with neighbours.", "Marked delivered to a different city."],
        ["order.not_as_described"] = ["Card arrived with a crease that was not shown on stream.", "Listed as near mint, corners are clearly whitened.", "Wrong size sneakers and box is damaged."],
        ["order.late_shipment"] = ["Seller still hasn't shipped after 9 days.", "Label created 2 weeks ago, never scanned."],
        ["order.missing_hit"] = ["The hit I won in the break never showed up in my package.", "Break spot was paid, my team's cards were not sent."],
        ["authenticity.counterfeit"] = ["These Jordans are fake, the stitching and SKU label are wrong.", "The slab is a counterfeit PSA case, cert number doesn't exist."],
        ["authenticity.altered_or_regraded"] = ["Card was trimmed, edges are too sharp compared to the grade.", "Slab was cracked and resealed."],
        ["authenticity.resealed_packs"] = ["Booster packs were resealed, glue marks on the crimp.", "Weighed packs: every one was a dud, wrapper looked re-glued."],
        ["auction.shill_bidding"] = ["Same two accounts always bid up this seller's slabs and never pay.", "Bidder keeps pushing the price then the item gets relisted."],
        ["auction.non_paying_bidder"] = ["Buyer won three auctions and hasn't paid any of them."],
        ["auction.giveaway_rigging"] = ["Giveaway winner is always the host's friend account."],
        ["payments.off_platform"] = ["Seller asked me to pay by bank transfer to get a discount.", "They DM'd me asking to pay via a payment app outside the site."],
        ["payments.fake_prize_fee"] = ["Someone said I won a giveaway but must pay shipping for my prize to a link.", "Got a message I won, pay $15 fee to claim."],
        ["payments.phishing_impersonation"] = ["Account pretending to be support asked for my login code."],
        ["payments.account_takeover"] = ["Someone logged into my account and changed my payout bank!", "My account placed orders I never made, password was changed."],
        ["payments.chargeback_abuse"] = ["Buyer filed a chargeback after receiving the cards, I have delivery photos."],
        ["conduct.harassment"] = ["This user keeps insulting me in chat on every stream.", "Getting spammed with abusive DMs after I left negative feedback."],
        ["conduct.hate"] = ["Host used slurs in chat during the stream."],
        ["conduct.threats_violence"] = ["He said he knows where I live and will come after me.", "User threatened to hurt the host at the card show."],
        ["conduct.spam"] = ["Chat is flooded with the same discord link.", "Bot account posting promo codes on every stream."],
        ["safety.self_harm"] = ["A viewer in chat said they want to end it all tonight after losing the auction."],
        ["safety.minor"] = ["The host looks like a kid, maybe 12, selling on stream."],
        ["safety.prohibited_item"] = ["Seller is selling a knife on a card stream."],
        ["conduct.doxxing"] = ["Someone posted my home address in the stream chat."],
    };

    public static async Task<(string ApiKey, bool Seeded)> SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var created = (CreateApiKey.Created)await provider.GetRequiredService<CreateApiKey>().HandleAsync("demo", Scopes.All, cancellationToken);
        var caller = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "demo seed"), new Claim(Caller.ClientIdClaim, created.Key.Id.ToString()), new Claim("actor_type", "api_key"),
             .. Scopes.All.Select(scope => new Claim(Scopes.ClaimType, scope))],
            "demo"));

        var db = provider.GetRequiredService<TrustDeskDb>();
        if (await db.Subjects.AnyAsync(cancellationToken))
        {
            return (created.Secret, false);
        }

        var random = new Random(20261128);
        var now = provider.GetRequiredService<TimeProvider>().GetUtcNow();
        await SeedSubjectsAsync(provider, random, now, cancellationToken);
        // The past first (its cases take the lowest numbers), then today's marketplace.
        await DemoHistory.SeedAsync(provider, now, provider.GetRequiredService<IConfiguration>().GetValue(DemoHistory.DaysSetting, DemoHistory.Days), cancellationToken);
        await SeedEventsAsync(provider, random, now, cancellationToken);
        await SeedReportsAsync(provider, caller, random, cancellationToken);
        await WorkSomeCasesAsync(services, caller, cancellationToken);
        return (created.Secret, true);
    }

    /// <summary>The seed is fixed data: a use case refusing it is a bug in the seed, not something to skip.</summary>
    private static void Expect<T>(object result)
    {
        if (result is not T)
        {
            throw new InvalidOperationException($"The demo seed was refused: {System.Text.Json.JsonSerializer.Serialize(result, result.GetType())}");
        }
    }

    private static string Handle(int i) => $"{HandleWords[i % HandleWords.Length]}{HandleWords[(i * 7 + 3) % HandleWords.Length]}_{i:D3}";

    private static string AccountId(int i) => $"u-{1000 + i}";

    private static async Task SeedSubjectsAsync(IServiceProvider provider, Random random, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var upsert = provider.GetRequiredService<UpsertSubjects>();
        var items = new List<UpsertSubjectBatchItem>();
        for (var i = 0; i < Accounts; i++)
        {
            var identifiers = new List<SubjectIdentifierRequest>
            {
                new(IdentifierType.Email, $"{Handle(i)}@mail.example"),
                // Every ~12th account shares a device with its neighbour: the linked-accounts graph has real clusters.
                new(IdentifierType.Device, $"dev-{(i % 12 == 11 ? i - 1 : i):D4}"),
                new(IdentifierType.Ip, $"203.0.113.{i % 250}"),
                new(IdentifierType.PaymentFingerprint, $"pf-{(i % 17 == 0 && i > 0 ? i - 17 : i):D4}"),
            };
            if (i % 3 == 0)
            {
                identifiers.Add(new(IdentifierType.Phone, $"+1 555 01{i:D2}"));
            }

            var attributes = System.Text.Json.JsonSerializer.SerializeToElement(new
            {
                role = i < Sellers ? "seller" : "buyer",
                country = i % 5 == 0 ? "CA" : "US",
                verified = i % 4 != 0,
            });
            items.Add(new UpsertSubjectBatchItem(SubjectKind.Account, AccountId(i), Handle(i), now.AddDays(-random.Next(3, 900)), attributes, null, identifiers));
        }

        for (var s = 0; s < Livestreams; s++)
        {
            var host = s % Sellers;
            items.Add(new UpsertSubjectBatchItem(SubjectKind.Livestream, $"ls-{500 + s}", $"{StreamTitles[s % StreamTitles.Length]} ({Handle(host)})",
                now.AddHours(-random.Next(1, 400)), null, [new SubjectLinkRequest("hosted_by", SubjectKind.Account, AccountId(host))], null));
        }

        foreach (var chunk in items.Chunk(UpsertSubjects.MaxBatch))
        {
            Expect<UpsertSubjects.Upserted>(await upsert.HandleAsync(chunk, single: false, cancellationToken));
        }

        var orders = new List<UpsertSubjectBatchItem>();
        for (var o = 0; o < Orders; o++)
        {
            var seller = o % Sellers;
            var buyer = Sellers + random.Next(Accounts - Sellers);
            var stream = $"ls-{500 + (o % Livestreams)}";
            var orderId = $"o-{20000 + o}";
            orders.Add(new UpsertSubjectBatchItem(SubjectKind.Shipment, $"sh-{20000 + o}", $"1Z{random.NextInt64(100000000000, 999999999999)}",
                now.AddDays(-random.Next(0, 45)), null, null, null));
            orders.Add(new UpsertSubjectBatchItem(SubjectKind.Order, orderId, $"#{20000 + o}", now.AddDays(-random.Next(1, 60)),
                System.Text.Json.JsonSerializer.SerializeToElement(new { amountUsd = Math.Round(5 + random.NextDouble() * 400, 2), stream }),
                [
                    new SubjectLinkRequest("bought_by", SubjectKind.Account, AccountId(buyer)),
                    new SubjectLinkRequest("sold_by", SubjectKind.Account, AccountId(seller)),
                    new SubjectLinkRequest("sold_on", SubjectKind.Livestream, stream),
                    new SubjectLinkRequest("ships_as", SubjectKind.Shipment, $"sh-{20000 + o}"),
                ], null));
        }

        foreach (var chunk in orders.Chunk(UpsertSubjects.MaxBatch))
        {
            Expect<UpsertSubjects.Upserted>(await upsert.HandleAsync(chunk, single: false, cancellationToken));
        }
    }

    private static async Task SeedEventsAsync(IServiceProvider provider, Random random, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var recordEvents = provider.GetRequiredService<RecordEvents>();
        var events = new List<EventRequest>();
        for (var s = 0; s < Livestreams; s++)
        {
            var host = AccountId(s % Sellers);
            var started = now.AddHours(-random.Next(1, 300));
            events.Add(new EventRequest($"evt-stream-start-{s}", "stream.started", started,
                [new(SubjectKind.Livestream, $"ls-{500 + s}", "stream"), new(SubjectKind.Account, host, "host")], null));
            // The first few streams are live right now.
            if (s >= 4)
            {
                events.Add(new EventRequest($"evt-stream-end-{s}", "stream.ended", started.AddHours(2),
                    [new(SubjectKind.Livestream, $"ls-{500 + s}", "stream"), new(SubjectKind.Account, host, "host")], null));
            }
        }

        for (var o = 0; o < Orders; o++)
        {
            var placed = now.AddDays(-random.Next(1, 60)).AddMinutes(-random.Next(0, 1440));
            var seller = AccountId(o % Sellers);
            var orderRef = new EventSubjectRef(SubjectKind.Order, $"o-{20000 + o}", "order");
            var sellerRef = new EventSubjectRef(SubjectKind.Account, seller, "seller");
            events.Add(new EventRequest($"evt-order-{o}", "order.placed", placed, [orderRef, sellerRef], null));
            events.Add(new EventRequest($"evt-label-{o}", "shipment.label_created", placed.AddDays(1),
                [new(SubjectKind.Shipment, $"sh-{20000 + o}", "shipment"), orderRef, sellerRef], null));
            // Sellers 0-2 ship late a lot: the late-shipping signal has something to find.
            var late = o % Sellers < 3 ? random.Next(3) == 0 : random.Next(25) == 0;
            events.Add(new EventRequest($"evt-ship-{o}", late ? "shipment.late" : "shipment.delivered", placed.AddDays(late ? 8 : 4),
                [new(SubjectKind.Shipment, $"sh-{20000 + o}", "shipment"), orderRef, sellerRef], null));
            if (random.Next(80) == 0)
            {
                events.Add(new EventRequest($"evt-chargeback-{o}", "chargeback.opened", placed.AddDays(20), [orderRef, sellerRef], null));
            }
        }

        foreach (var chunk in events.Chunk(RecordEvents.MaxBatch))
        {
            Expect<RecordEvents.Recorded>(await recordEvents.HandleAsync(chunk, "body", cancellationToken));
        }
    }

    private static async Task SeedReportsAsync(IServiceProvider provider, ClaimsPrincipal caller, Random random, CancellationToken cancellationToken)
    {
        var submit = provider.GetRequiredService<SubmitReport>();
        var categories = ReportTexts.Keys.ToArray();
        var sent = 0;

        // Mass reports on two live streams: they cluster into one case each instead of flooding the queue.
        foreach (var stream in new[] { "ls-500", "ls-501" })
        {
            for (var r = 0; r < 6; r++)
            {
                Expect<SubmitReport.Accepted>(await submit.HandleAsync(new SubmitReportRequest(new SubjectRef(SubjectKind.Livestream, stream),
                    new SubjectRef(SubjectKind.Account, AccountId(Sellers + 10 + r)), stream == "ls-500" ? "conduct.hate" : "payments.off_platform",
                    "stream_report", stream == "ls-500" ? "Host is using slurs in chat right now." : "Host is telling everyone to pay through an outside app for a discount.",
                    null, null), caller, null, cancellationToken));
                sent++;
            }
        }

        // Then problems across the taxonomy, most reported once or twice, some many times.
        var problem = 0;
        while (sent < 170)
        {
            var category = categories[problem % categories.Length];
            var subject = category.StartsWith("order.", StringComparison.Ordinal)
                ? new SubjectRef(SubjectKind.Order, $"o-{20000 + random.Next(Orders)}")
                : category.StartsWith("conduct.", StringComparison.Ordinal) || category.StartsWith("safety.", StringComparison.Ordinal) && problem % 2 == 0
                    ? new SubjectRef(SubjectKind.Livestream, $"ls-{500 + random.Next(Livestreams)}")
                    : new SubjectRef(SubjectKind.Account, AccountId(random.Next(Accounts)));
            var copies = problem % 7 == 0 ? 4 : problem % 3 == 0 ? 2 : 1;
            for (var c = 0; c < copies && sent < 170; c++)
            {
                var texts = ReportTexts[category];
                var reporter = new SubjectRef(SubjectKind.Account, AccountId(Sellers + random.Next(Accounts - Sellers)));
                var evidence = random.Next(3) == 0 ? new[] { $"https://cdn.example.com/evidence/{problem}-{c}.jpg" } : null;
                Expect<SubmitReport.Accepted>(await submit.HandleAsync(
                    new SubmitReportRequest(subject, reporter, category, "user_report", texts[random.Next(texts.Length)], evidence, $"rep-{sent}"),
                    caller, null, cancellationToken));
                sent++;
            }

            problem++;
        }
    }

    /// <summary>Agents have already been at work: some cases are assigned, answered, waiting on the user, or solved.</summary>
    private static async Task WorkSomeCasesAsync(IServiceProvider services, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        List<long> ids;
        await using (var scope = services.CreateAsyncScope())
        {
            // Today's cases: the history before them is already worked and solved.
            ids = await scope.ServiceProvider.GetRequiredService<TrustDeskDb>().Cases.Where(c => c.Status != CaseStatus.Solved && c.Status != CaseStatus.Closed)
                .OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(cancellationToken);
        }

        string[] agents = ["maya.agent@demo.trustdesk.test", "omar.agent@demo.trustdesk.test", "lena.specialist@demo.trustdesk.test"];

        // Cases the rules flagged have mostly been decided, so back-testing a rule has decisions to measure it against.
        List<long> flagged;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            flagged = await db.Set<Case>().Where(c => db.Set<RecordedRuleHit>().Any(h => h.CaseId == c.Id && !h.Shadow)).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(cancellationToken);
        }

        for (var i = 0; i < flagged.Count; i++)
        {
            if (i % 2 == 1)
            {
                continue;
            }

            await using var scope = services.CreateAsyncScope();
            var resolution = i % 8 == 4 ? "no_violation" : "actioned";
            await scope.ServiceProvider.GetRequiredService<UpdateCase>().HandleAsync(flagged[i],
                new UpdateCaseRequest(null, "solved", null, null, null, agents[i % agents.Length], null, resolution), null, caller, cancellationToken);
        }

        for (var i = 0; i < ids.Count; i++)
        {
            if (i % 3 != 1 || flagged.Contains(ids[i]))
            {
                continue;
            }

            await using var scope = services.CreateAsyncScope();
            var update = scope.ServiceProvider.GetRequiredService<UpdateCase>();
            var addMessage = scope.ServiceProvider.GetRequiredService<AddMessage>();
            await update.HandleAsync(ids[i], new UpdateCaseRequest(null, null, null, null, null, agents[i % agents.Length], null), null, caller, cancellationToken);
            await addMessage.HandleAsync(ids[i], new AddMessageRequest("note", "Checked the account history and the linked orders; collecting evidence.", null), caller, null, cancellationToken);
            if (i % 9 == 1)
            {
                await addMessage.HandleAsync(ids[i], new AddMessageRequest("reply",
                    "Thanks for reporting this. We have looked into it and taken action under our policies.", "solved"), caller, null, cancellationToken);
                await update.HandleAsync(ids[i], new UpdateCaseRequest(null, null, null, null, null, null, null, i % 2 == 0 ? "actioned" : "no_violation"),
                    null, caller, cancellationToken);
            }
            else if (i % 9 == 4)
            {
                await addMessage.HandleAsync(ids[i], new AddMessageRequest("reply",
                    "Thanks for letting us know. Could you send us a photo of the item and the packaging?", "pending_user"), caller, null, cancellationToken);
            }
            else if (i % 9 == 7)
            {
                // Some questions for departments, so the demo's department member (Payments) has cases to see.
                await scope.ServiceProvider.GetRequiredService<EscalateCase>().HandleAsync(ids[i],
                    new EscalateCaseRequest(i % 2 == 0 ? "payments" : "logistics", "Can you check the payment and shipment records for this order?"),
                    caller, cancellationToken);
            }

        }
    }
}
