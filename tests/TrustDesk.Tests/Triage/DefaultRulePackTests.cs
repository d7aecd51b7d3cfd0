using System.Text.Json;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;
using static TrustDesk.Tests.Triage.Subjects;

namespace TrustDesk.Tests.Triage;

/// <summary>Every rule of the default pack, firing on the case it is for and staying quiet on its near miss.</summary>
public sealed class DefaultRulePackTests
{
    private static readonly CompiledRulePack Pack = DefaultRulePack.Compile();

    private static TriageOutcome Evaluate(TriageInput input, History? history = null) =>
        Pack.Evaluate(input, history ?? new History(Now));

    private static TriageInput Event(string type, string json = "{}", params (string Role, SubjectFacts Subject)[] subjects) =>
        TriageInput.ForEvent(Now, type, subjects.Select(s => KeyValuePair.Create(s.Role, s.Subject)), JsonDocument.Parse(json).RootElement.Clone());

    private static RuleHit Hit(TriageOutcome outcome, string rule) =>
        Assert.Single(outcome.Hits, h => h.Rule == rule);

    private static void NoHit(TriageOutcome outcome, string rule) =>
        Assert.DoesNotContain(outcome.Hits, h => h.Rule == rule);

    [Fact]
    public void DefaultPack_Compiles_WithEveryRuleActiveButTheShadowOne()
    {
        var result = RuleCompiler.Compile(DefaultRulePack.Text, DefaultRulePack.SourceName);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(13, result.Pack.Rules.Count);
        Assert.Equal(["report flood from one reporter"], result.Pack.Rules.Where(r => r.State != RuleState.Active).Select(r => r.Name));
    }

    [Fact]
    public void DefaultPack_EveryProposalNamesAPolicyOfTheTaxonomy_ButThePrecaution()
    {
        // An agent approves a proposal in one click, and an action needs a policy of the taxonomy (its statement of reasons
        // cites it): a policy outside it made the click fail. The one precaution (a payout hold for a new seller) has no
        // breach to cite; its approval asks the agent to take the action by hand.
        var codes = DefaultTaxonomy.All.Select(c => c.Code).ToHashSet();
        var policies = System.Text.RegularExpressions.Regex.Matches(DefaultRulePack.Text, @"policy=([a-z_.]+)").Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(policies);
        Assert.Equal(["payments.new_seller_limits"], policies.Where(p => !codes.Contains(p)).Distinct());
    }

    [Fact]
    public void SelfHarm_ReportWithCrisisLanguage_IsS1InCrisisWithTheWords()
    {
        var outcome = Evaluate(TriageInput.ForReport(Now, Account("seller"), Account("buyer"), "after this scam I just want to end it all"));

        Assert.Equal((Severity.S1, "safety.self_harm", "crisis"), (outcome.Severity, outcome.Category, outcome.Queue));
        Assert.Contains("crisis", outcome.Tags);
        var hit = Hit(outcome, "self-harm disclosure");
        Assert.Equal("text ~ lexicon(\"self_harm\") = matched \"end it all\"", hit.Values[0].ToString());
    }

    [Fact]
    public void SelfHarm_ChatMessageWithDisguisedWords_Fires()
    {
        var outcome = Evaluate(TriageInput.ForMessage(Now, Account("buyer"), "i wanna s.u.i.c.i.d.e"));

        Hit(outcome, "self-harm disclosure");
    }

    [Fact]
    public void SelfHarm_AgentQuotingTheWords_DoesNotFire()
    {
        var outcome = Evaluate(TriageInput.ForMessage(Now, SubjectFacts.Agent(Guid.NewGuid(), "amira"), "User said they want to end it all; called the helpline."));

        NoHit(outcome, "self-harm disclosure");
        Assert.Null(outcome.Severity);
    }

    [Fact]
    public void SelfHarm_OrdinaryComplaint_DoesNotFire()
    {
        var outcome = Evaluate(TriageInput.ForReport(Now, Account("seller"), Account("buyer"), "item never arrived, this is killing me, want a refund"));

        NoHit(outcome, "self-harm disclosure");
    }

    [Fact]
    public void Threats_ThreatInChat_IsS1()
    {
        var outcome = Evaluate(TriageInput.ForMessage(Now, Account("buyer"), "refund me or I know where you live"));

        Assert.Equal("conduct.threats_violence", outcome.Category);
        Hit(outcome, "threats of violence");
    }

    [Fact]
    public void Threats_Hyperbole_DoesNotFire()
    {
        NoHit(Evaluate(TriageInput.ForMessage(Now, Account("buyer"), "these prices kill me")), "threats of violence");
    }

    [Fact]
    public void MassReports_FifthReportInTenMinutesOnALiveStream_IsS1LiveResponse()
    {
        var stream = Stream("st-9", live: true);
        var history = new History(Now).Events("report", 5, Now, ("reported", stream));

        var outcome = Evaluate(TriageInput.ForReport(Now, stream, Account("viewer"), "he is showing something awful"), history);

        Assert.Equal((Severity.S1, "live-response"), (outcome.Severity, outcome.Queue));
        Assert.Equal(TriageFlags.LiveNow, outcome.Flags);
        Assert.Contains(new HitValue("count(\"report\", subject, 10m)", "5"), Hit(outcome, "mass reports on a live stream").Values);
    }

    [Fact]
    public void MassReports_FourthReport_DoesNotFire()
    {
        var stream = Stream("st-9", live: true);
        var history = new History(Now).Events("report", 4, Now, ("reported", stream)).Event("report", Now.AddMinutes(-15), ("reported", stream));

        NoHit(Evaluate(TriageInput.ForReport(Now, stream, null, ""), history), "mass reports on a live stream");
    }

    [Fact]
    public void MassReports_StreamThatEnded_DoesNotFire()
    {
        var stream = Stream("st-9", live: false);
        var history = new History(Now).Events("report", 8, Now, ("reported", stream));

        NoHit(Evaluate(TriageInput.ForReport(Now, stream, null, ""), history), "mass reports on a live stream");
    }

    [Fact]
    public void LinkedToBanned_LoginFromADeviceOfABannedAccount_ProposesSuspension()
    {
        var banned = Account("banned-one");
        var fresh = Account("fresh", ageDays: 2);
        var history = new History(Now).Ban(banned).Identify(banned, "device", "dev-7").Identify(fresh, "device", "dev-7");

        var outcome = Evaluate(Event("login.new_device", subjects: ("account", fresh)), history);

        Assert.Equal((Severity.S2, "payments.ban_evasion"), (outcome.Severity, outcome.Category));
        Assert.Equal(new EnforcementProposal("suspend", fresh.Handle, "payments.ban_evasion", false, "account linked to a banned account"), Assert.Single(outcome.Proposals));
        Assert.Contains(new HitValue("linked_banned(subject, 2)", "account:fresh -device-> account:banned-one"), Hit(outcome, "account linked to a banned account").Values);
    }

    [Fact]
    public void LinkedToBanned_ThreeHopsAway_DoesNotFire()
    {
        var banned = Account("banned-one");
        var a = Account("a");
        var b = Account("b");
        var fresh = Account("fresh");
        var history = new History(Now).Ban(banned)
            .Identify(banned, "device", "d1").Identify(a, "device", "d1")
            .Identify(a, "ip", "ip1").Identify(b, "ip", "ip1")
            .Identify(b, "phone", "p1").Identify(fresh, "phone", "p1");

        NoHit(Evaluate(Event("login.new_device", subjects: ("account", fresh)), history), "account linked to a banned account");
    }

    [Fact]
    public void LinkedToBanned_ReportAboutAnAccountTwoHopsFromABan_Fires()
    {
        var banned = Account("banned-one");
        var middle = Account("middle");
        var reported = Account("reported");
        var history = new History(Now).Ban(banned)
            .Identify(banned, "address_hash", "h1").Identify(middle, "address_hash", "h1")
            .Identify(middle, "payment_fingerprint", "c1").Identify(reported, "payment_fingerprint", "c1");

        Hit(Evaluate(TriageInput.ForReport(Now, reported, null, "never shipped"), history), "account linked to a banned account");
    }

    [Fact]
    public void ShillBidding_BidderSharingADeviceWithTheSeller_ProposesSuspendingTheBidder()
    {
        var seller = Account("seller");
        var bidder = Account("bidder");
        var history = new History(Now).Identify(seller, "device", "d-1").Identify(bidder, "device", "d-1");

        var outcome = Evaluate(Event("bid.placed", """{"amount": 120}""", ("bidder", bidder), ("seller", seller), ("listing", Of("listing", "l-1"))), history);

        Assert.Equal((Severity.S2, "auction.shill_bidding", "auctions"), (outcome.Severity, outcome.Category, outcome.Queue));
        Assert.Equal(bidder.Handle, Assert.Single(outcome.Proposals).Target);
    }

    [Fact]
    public void ShillBidding_UnrelatedBidder_DoesNotFire()
    {
        var seller = Account("seller");
        var bidder = Account("bidder");
        var history = new History(Now).Identify(seller, "device", "d-1").Identify(bidder, "device", "d-2");

        NoHit(Evaluate(Event("bid.placed", subjects: [("bidder", bidder), ("seller", seller)]), history), "shill bidding");
    }

    [Fact]
    public void TrackingReused_SecondShipmentWithOneTrackingNumber_HoldsTheSellersPayout()
    {
        var seller = Account("seller");
        var first = Of("shipment", "sh-1");
        var second = Of("shipment", "sh-2");
        var history = new History(Now).Identify(first, "tracking_number", "1Z999", Now.AddDays(-3)).Identify(second, "tracking_number", "1Z999");

        var outcome = Evaluate(Event("shipment.label_created", subjects: [("shipment", second), ("seller", seller)]), history);

        Assert.Equal("payments.fake_tracking", outcome.Category);
        Assert.Equal(new EnforcementProposal("hold_payout", seller.Handle, "payments.fake_tracking", false, "tracking number reused"), Assert.Single(outcome.Proposals));
        Assert.Contains(new HitValue("distinct(\"tracking_number\", shipment, 90d)", "2"), Hit(outcome, "tracking number reused").Values);
    }

    [Fact]
    public void TrackingReused_FreshTrackingNumber_DoesNotFire()
    {
        var shipment = Of("shipment", "sh-1");
        var history = new History(Now).Identify(shipment, "tracking_number", "1Z123").Identify(Of("shipment", "old"), "tracking_number", "1Z123", Now.AddDays(-120));

        NoHit(Evaluate(Event("shipment.label_created", subjects: [("shipment", shipment), ("seller", Account("s"))]), history), "tracking number reused");
    }

    [Fact]
    public void LateShipping_OverTenPercentOfTwentyOrders_ProposesAnAutomaticWarning()
    {
        var seller = Account("seller");
        var history = new History(Now)
            .Events("order.placed", 20, Now.AddDays(-1), ("seller", seller))
            .Events("shipment.late", 3, Now, ("seller", seller));

        var outcome = Evaluate(Event("shipment.late", subjects: ("seller", seller)), history);

        Assert.Equal(new EnforcementProposal("warn", seller.Handle, "order.late_shipment", true, "late-shipping seller warning"), Assert.Single(outcome.Proposals));
        Assert.Equal(
            ["rate(\"shipment.late\", seller, 30d) = 0.15", "count(\"order.placed\", seller, 30d) = 20"],
            Hit(outcome, "late-shipping seller warning").Values.Select(v => v.ToString()));
    }

    [Fact]
    public void LateShipping_TooFewOrdersToJudge_DoesNotFire()
    {
        var seller = Account("seller");
        var history = new History(Now)
            .Events("order.placed", 10, Now.AddDays(-1), ("seller", seller))
            .Events("shipment.late", 5, Now, ("seller", seller));

        NoHit(Evaluate(Event("shipment.late", subjects: ("seller", seller)), history), "late-shipping seller warning");
    }

    [Fact]
    public void LateShipping_LateShipmentsOlderThanThirtyDays_DoNotCount()
    {
        var seller = Account("seller");
        var history = new History(Now)
            .Events("order.placed", 40, Now.AddDays(-1), ("seller", seller))
            .Events("shipment.late", 10, Now.AddDays(-31), ("seller", seller))
            .Event("shipment.late", Now, ("seller", seller));

        NoHit(Evaluate(Event("shipment.late", subjects: ("seller", seller)), history), "late-shipping seller warning");
    }

    [Fact]
    public void ChargebackVelocity_ThirdChargebackOfABuyerIn30Days_ProposesRestriction()
    {
        var buyer = Account("buyer");
        var history = new History(Now).Events("chargeback.opened", 3, Now, ("buyer", buyer));

        var outcome = Evaluate(Event("chargeback.opened", subjects: [("buyer", buyer), ("seller", Account("seller"))]), history);

        Assert.Equal("payments.chargeback_abuse", outcome.Category);
        Assert.Equal(("restrict", buyer.Handle), (Assert.Single(outcome.Proposals).Action, outcome.Proposals[0].Target));
    }

    [Fact]
    public void ChargebackVelocity_ChargebacksAgainstTheBuyerAsSeller_DoNotCount()
    {
        var buyer = Account("buyer");
        var history = new History(Now)
            .Events("chargeback.opened", 1, Now, ("buyer", buyer))
            .Events("chargeback.opened", 5, Now, ("seller", buyer));

        NoHit(Evaluate(Event("chargeback.opened", subjects: ("buyer", buyer)), history), "chargeback velocity");
    }

    [Fact]
    public void NewSellerHighValue_TenDayOldSellerSelling650_HoldsThePayout()
    {
        var seller = Account("seller", ageDays: 10);

        var outcome = Evaluate(Event("order.placed", """{"amount": 650}""", ("seller", seller), ("buyer", Account("buyer"))));

        Assert.Equal((Severity.S3, "payments"), (outcome.Severity, outcome.Queue));
        Assert.Equal("hold_payout", Assert.Single(outcome.Proposals).Action);
        Assert.Equal(["seller.age = 10d", "event.data.amount = 650"], Hit(outcome, "new seller selling high-value items").Values.Select(v => v.ToString()));
    }

    [Theory]
    [InlineData(10, 499)]
    [InlineData(45, 650)]
    public void NewSellerHighValue_CheapOrderOrEstablishedSeller_DoesNotFire(int ageDays, int amount)
    {
        var outcome = Evaluate(Event("order.placed", $$"""{"amount": {{amount}}}""", ("seller", Account("seller", ageDays))));

        NoHit(outcome, "new seller selling high-value items");
    }

    [Fact]
    public void PayoutAfterNewDevice_BankChangedAnHourAfterANewDeviceLogin_IsS1TakeoverWithPayoutHold()
    {
        var account = Account("seller");
        var history = new History(Now).Event("login.new_device", Now.AddHours(-1), ("account", account));

        var outcome = Evaluate(Event("payout.bank_changed", subjects: ("account", account)), history);

        Assert.Equal((Severity.S1, "payments.account_takeover"), (outcome.Severity, outcome.Category));
        Assert.Equal(new EnforcementProposal("hold_payout", account.Handle, "payments.account_takeover", false, "payout bank changed after a new-device login"), Assert.Single(outcome.Proposals));
    }

    [Fact]
    public void PayoutAfterNewDevice_LoginTwoDaysBefore_DoesNotFire()
    {
        var account = Account("seller");
        var history = new History(Now).Event("login.new_device", Now.AddDays(-2), ("account", account));

        NoHit(Evaluate(Event("payout.bank_changed", subjects: ("account", account)), history), "payout bank changed after a new-device login");
    }

    [Fact]
    public void OffPlatform_SellerAskingForZelle_IsS2Payments()
    {
        var outcome = Evaluate(TriageInput.ForMessage(Now, Account("seller"), "pay me on z3lle and I'll knock 10% off"));

        Assert.Equal(("payments.off_platform", "payments"), (outcome.Category, outcome.Queue));
    }

    [Fact]
    public void OffPlatform_OrdinaryShippingQuestion_DoesNotFire()
    {
        NoHit(Evaluate(TriageInput.ForMessage(Now, Account("buyer"), "when will my order ship? the tracking has not moved")), "off-platform payment or contact details");
    }

    [Fact]
    public void Hate_PlaceholderPhrase_IsS2Conduct()
    {
        var outcome = Evaluate(TriageInput.ForReport(Now, Account("host"), Account("viewer"), "host said go back to your country on stream"));

        Assert.Equal(("conduct.hate", "conduct"), (outcome.Category, outcome.Queue));
    }

    [Fact]
    public void Hate_OrdinaryText_DoesNotFire()
    {
        NoHit(Evaluate(TriageInput.ForReport(Now, Account("host"), Account("viewer"), "my country has slow customs")), "hateful language");
    }

    [Fact]
    public void ReportFlood_TenthReportFromOneReporter_IsAShadowHitThatChangesNothing()
    {
        var reporter = Account("reporter");
        var history = new History(Now).Events("report", 10, Now, ("reporter", reporter));

        var outcome = Evaluate(TriageInput.ForReport(Now, Account("target"), reporter, "bad seller"), history);

        Assert.True(Hit(outcome, "report flood from one reporter").Shadow);
        Assert.Empty(outcome.Tags);
        Assert.Null(outcome.Queue);
    }

    [Fact]
    public void ReportFlood_FewReports_DoesNotFire()
    {
        var reporter = Account("reporter");
        var history = new History(Now).Events("report", 3, Now, ("reporter", reporter));

        NoHit(Evaluate(TriageInput.ForReport(Now, Account("target"), reporter, "bad seller"), history), "report flood from one reporter");
    }
}
