using System.Text.Json;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;
using static TrustDesk.Tests.Triage.RuleTestKit;

namespace TrustDesk.Tests.Triage;

/// <summary>What conditions mean: operators, functions and missing values.</summary>
public sealed class RuleEvaluationTests
{
    private static bool Fires(CompiledRulePack pack, TriageInput input, History? history = null) =>
        pack.Evaluate(input, history ?? new History(Subjects.Now)).Hits.Count > 0;

    private static TriageInput Event(string type, string json, params (string Role, SubjectFacts Subject)[] subjects) =>
        TriageInput.ForEvent(Subjects.Now, type, subjects.Select(s => KeyValuePair.Create(s.Role, s.Subject)), JsonDocument.Parse(json).RootElement.Clone());

    [Theory]
    [InlineData("1 + 2 * 3 == 7", true)]
    [InlineData("(1 + 2) * 3 == 9", true)]
    [InlineData("10 / 4 == 2.5", true)]
    [InlineData("-3 < 0", true)]
    [InlineData("2h == 120m", true)]
    [InlineData("1d + 12h > 35h", true)]
    [InlineData("30d / 2 == 15d", true)]
    [InlineData("1h / 30m == 2", true)]
    [InlineData("2 * 1w == 14d", true)]
    [InlineData("S1 < S2", true)]
    [InlineData("S3 <= S2", false)]
    [InlineData("true and not false", true)]
    [InlineData("false or 1 != 1", false)]
    [InlineData("not 1 == 2 and true", true)]
    [InlineData("2 in [1, 2, 3]", true)]
    [InlineData("5 not in [1, 2, 3]", true)]
    [InlineData("\"b\" in [\"a\", \"b\"]", true)]
    [InlineData("S1 in [S2, S3]", false)]
    [InlineData("\"i\" in [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\"]", true)]
    [InlineData("\"j\" in [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\"]", false)]
    [InlineData("9 in [1, 2, 3, 4, 5, 6, 7, 8, 9]", true)]
    [InlineData("10 not in [1, 2, 3, 4, 5, 6, 7, 8, 9]", true)]
    [InlineData("1_000 == 1000", true)]
    public void Evaluate_Arithmetic_FollowsPrecedenceAndTypes(string condition, bool expected)
    {
        var pack = When(condition);

        Assert.Equal(expected, Fires(pack, Report()));
    }

    [Fact]
    public void Evaluate_SubjectFields_ReadFacts()
    {
        var pack = When("subject.kind == \"livestream\" and subject.live and subject.id == \"st-1\" and not subject.banned");

        Assert.True(Fires(pack, Report(subject: Subjects.Stream("st-1", live: true))));
        Assert.False(Fires(pack, Report(subject: Subjects.Stream("st-1", live: false))));
        Assert.False(Fires(pack, Report(subject: Subjects.Account("st-1"))));
    }

    [Fact]
    public void Evaluate_Age_MeasuresFromCreationToTheItem()
    {
        var pack = When("age(subject) < 30d and subject.age >= 10d");

        Assert.True(Fires(pack, Report(subject: Subjects.Account("young", ageDays: 12))));
        Assert.False(Fires(pack, Report(subject: Subjects.Account("old", ageDays: 31))));
        Assert.False(Fires(pack, Report(subject: Subjects.Of("account", "unknown-age"))));
    }

    [Fact]
    public void Evaluate_Count_CountsTheWindowOnly()
    {
        var stream = Subjects.Stream("st", live: true);
        var history = new History(Subjects.Now)
            .Events("report", 3, Subjects.Now, ("reported", stream))
            .Event("report", Subjects.Now.AddMinutes(-11), ("reported", stream));
        var pack = When("count(\"report\", subject, 10m) == 3 and count(\"report\", subject, 1h) == 4");

        Assert.True(Fires(pack, Report(subject: stream), history));
    }

    [Fact]
    public void Evaluate_CountOnARole_FiltersOnThatRoleUnlessOverridden()
    {
        var seller = Subjects.Account("seller");
        var buyer = Subjects.Account("buyer");
        var history = new History(Subjects.Now)
            .Events("order.placed", 4, Subjects.Now, ("seller", seller), ("buyer", buyer))
            .Events("order.placed", 2, Subjects.Now.AddHours(-1), ("buyer", seller));
        var input = Event("order.placed", "{}", ("seller", seller), ("buyer", buyer));

        Assert.True(Fires(When("count(\"order.placed\", seller, 1d) == 4", on: "event.order.placed"), input, history));
        Assert.True(Fires(When("count(\"order.placed\", seller, 1d, \"buyer\") == 2", on: "event.order.placed"), input, history));
        Assert.True(Fires(When("count(\"order.placed\", account, 1d) == 6", on: "event.order.placed"), input, history));
    }

    [Fact]
    public void Evaluate_CountReports_SeparatesReportsAboutAnAccountFromReportsItFiled()
    {
        var account = Subjects.Account("both");
        var history = new History(Subjects.Now)
            .Events("report", 2, Subjects.Now, ("reported", account))
            .Events("report", 7, Subjects.Now, ("reporter", account));
        var pack = When("count(\"report\", subject, 1h) == 2 and count(\"report\", reporter, 1h) == 7");

        Assert.True(Fires(pack, Report(subject: account, reporter: account), history));
    }

    [Fact]
    public void Evaluate_Rate_DividesByOrdersOfTheSameRoleAndIsZeroWithoutOrders()
    {
        var seller = Subjects.Account("seller");
        var history = new History(Subjects.Now)
            .Events("order.placed", 8, Subjects.Now, ("seller", seller))
            .Events("shipment.late", 2, Subjects.Now, ("seller", seller));
        var input = Event("shipment.late", "{}", ("seller", seller));

        Assert.True(Fires(When("rate(\"shipment.late\", seller, 30d) == 0.25", on: "event.shipment.late"), input, history));
        Assert.True(Fires(When("rate(\"shipment.late\", seller, 30d, \"shipment.late\") == 1", on: "event.shipment.late"), input, history));
        Assert.True(Fires(When("rate(\"shipment.late\", seller, 30d) == 0", on: "event.shipment.late"), input, new History(Subjects.Now)));
    }

    [Fact]
    public void Evaluate_Distinct_CountsSubjectsSharingTheIdentifier()
    {
        var one = Subjects.Account("one");
        var two = Subjects.Account("two");
        var three = Subjects.Account("three");
        var history = new History(Subjects.Now)
            .Identify(one, "device", "d-1")
            .Identify(two, "device", "d-1")
            .Identify(three, "device", "d-1", Subjects.Now.AddDays(-60));
        var pack = When("distinct(\"device\", subject, 30d) == 2 and distinct(\"device\", subject, 90d) == 3");

        Assert.True(Fires(pack, Report(subject: one), history));
    }

    [Fact]
    public void Evaluate_Linked_FindsAChainOfSharedIdentifiersWithinTheHops()
    {
        var seller = Subjects.Account("seller");
        var middle = Subjects.Account("middle");
        var bidder = Subjects.Account("bidder");
        var history = new History(Subjects.Now)
            .Identify(seller, "device", "d-1")
            .Identify(middle, "device", "d-1")
            .Identify(middle, "payment_fingerprint", "card-9")
            .Identify(bidder, "payment_fingerprint", "card-9");
        var input = Event("bid.placed", "{}", ("bidder", bidder), ("seller", seller));

        Assert.True(Fires(When("linked(bidder, seller)", on: "event.bid.placed"), input, history));
        Assert.False(Fires(When("linked(bidder, seller, 1)", on: "event.bid.placed"), input, history));
        Assert.False(Fires(When("linked(seller, seller)", on: "event.bid.placed"), input, history));
    }

    [Fact]
    public void Evaluate_Hit_RecordsTheLinkPath()
    {
        var seller = Subjects.Account("seller");
        var bidder = Subjects.Account("bidder");
        var history = new History(Subjects.Now).Identify(seller, "ip", "10.0.0.1").Identify(bidder, "ip", "10.0.0.1");

        var hit = When("linked(bidder, seller, 1)", on: "event.bid.placed")
            .Evaluate(Event("bid.placed", "{}", ("bidder", bidder), ("seller", seller)), history).Hits.Single();

        Assert.Equal("linked(bidder, seller, 1) = account:bidder -ip-> account:seller", hit.Values.Single().ToString());
    }

    [Fact]
    public void Evaluate_EventData_TakesTheTypeOfWhatItIsComparedWith()
    {
        var order = Event("order.placed", """{"amount": 650, "currency": "EUR", "gift": true, "item": {"grade": "9"}}""", ("seller", Subjects.Account("s")));

        Assert.True(Fires(When("event.data.amount >= 500 and event.data.amount * 2 == 1300", on: "event.order.placed"), order));
        Assert.True(Fires(When("event.data.currency in [\"EUR\", \"GBP\"]", on: "event.order.placed"), order));
        Assert.True(Fires(When("event.data.gift and event.data.item.grade == \"9\"", on: "event.order.placed"), order));
        Assert.True(Fires(When("event.type == \"order.placed\"", on: "event.order.placed"), order));
    }

    [Theory]
    [InlineData("event.data.missing > 5", false)]
    [InlineData("event.data.missing < 5", false)]
    [InlineData("event.data.missing == 5", false)]
    [InlineData("event.data.missing != 5", true)]
    [InlineData("event.data.missing == \"x\"", false)]
    [InlineData("event.data.missing", false)]
    [InlineData("not (event.data.missing > 5)", true)]
    public void Evaluate_MissingEventField_ComparesFalseExceptNotEqual(string condition, bool expected)
    {
        var input = Event("order.placed", "{}", ("seller", Subjects.Account("s")));

        Assert.Equal(expected, Fires(When(condition, on: "event.order.placed"), input));
    }

    [Fact]
    public void Evaluate_RuleReadingAnAbsentRole_DoesNotRun()
    {
        var history = new History(Subjects.Now);
        var pack = When("count(\"order.placed\", seller, 30d) == 0", on: "event.order.placed");

        Assert.False(Fires(pack, Event("order.placed", "{}", ("buyer", Subjects.Account("b"))), history));
        Assert.Empty(history.Questions);
    }

    [Fact]
    public void Evaluate_KindName_ReachesASubjectWhoseRoleHasAnotherName()
    {
        var pack = When("shipment.id == \"sh-1\" and seller.id == \"s-1\"", on: "event.shipment.scanned");

        Assert.True(Fires(pack, Event("shipment.scanned", "{}", ("package", Subjects.Of("shipment", "sh-1")), ("seller", Subjects.Account("s-1")))));
    }

    [Fact]
    public void Evaluate_Contains_LooksInTextAndLists()
    {
        Assert.True(Fires(When("contains(text, \"PayPal\") and contains([\"a\", \"b\"], \"b\")"), Report("send it by paypal please")));
        Assert.False(Fires(When("contains(text, \"venmo\")"), Report("send it by paypal please")));
    }

    [Theory]
    [InlineData("SEND IT BY PAYPAL", "paypal", true)]
    [InlineData("Zahlung per PAYPAL, schnell", "paypal", true)]
    [InlineData("Überweisung bitte", "überweisung", true)]
    [InlineData("ÉCRIVEZ-MOI SUR WHATSAPP", "écrivez", true)]
    [InlineData("Überweisung bitte", "paypal", false)]
    public void Evaluate_ContainsInText_IgnoresCaseInAsciiAndOtherText(string text, string part, bool expected)
    {
        var pack = When($"\"{part}\" in text");

        Assert.Equal(expected, Fires(pack, Report(text)));
    }

    [Fact]
    public void Evaluate_ListWithFields_ComparesEachItem()
    {
        var bidder = Subjects.Account("bidder");
        var seller = Subjects.Account("seller");
        var input = Event("bid.placed", "{}", ("bidder", bidder), ("seller", seller), ("winner", bidder));

        Assert.True(Fires(When("winner in [seller, bidder]", on: "event.bid.placed"), input));
        Assert.False(Fires(When("winner in [seller]", on: "event.bid.placed"), input));
        Assert.True(Fires(When("bidder == winner and bidder != seller", on: "event.bid.placed"), input));
    }

    [Fact]
    public void Evaluate_Regex_MatchesTheRawTextIgnoringCase()
    {
        var pack = When("text ~ regex(\"order #?\\d{6}\")");

        var outcome = pack.Evaluate(Report("where is ORDER #123456?"), new History(Subjects.Now));

        Assert.Equal("text ~ regex(\"order #?\\d{6}\") = matched \"ORDER #123456\"", outcome.Hits.Single().Values.Single().ToString());
    }

    [Fact]
    public void Evaluate_ReportCategoryAndReason_AreReadable()
    {
        var pack = When("category == \"order.not_received\" and reason == \"nr\" and trigger == \"report.received\"");
        var input = TriageInput.ForReport(Subjects.Now, Subjects.Account("s"), null, "", "order.not_received", "nr");

        Assert.True(Fires(pack, input));
    }

    [Fact]
    public void Evaluate_SameSignalInManyRules_IsAskedOnce()
    {
        var history = new History(Subjects.Now);
        var pack = Pack(string.Join("\n", Enumerable.Range(1, 20).Select(i => $"""
            - name: rule {i}
              on: report.received
              when: count("report", subject, 10m) >= {i} or linked_banned(subject)
              then: [tag t{i}]
            """)));

        pack.Evaluate(Report(), history);

        Assert.Equal(2, history.Questions.Count);
    }

    [Fact]
    public void Evaluate_OtherTrigger_DoesNotRunTheRule()
    {
        var pack = When("true", on: "message.received");

        Assert.Same(TriageOutcome.Nothing, pack.Evaluate(Report(), new History(Subjects.Now)));
        Assert.Equal(1, pack.RuleCount("message.received"));
        Assert.Equal(0, pack.RuleCount("report.received"));
    }

    [Fact]
    public void Evaluate_AuthorOfAnAnonymousReport_IsAnAnonymousContact()
    {
        var pack = When("author.kind == \"contact\" and not author.is_agent");

        Assert.True(Fires(pack, Report("hello", reporter: null)));
    }

    [Fact]
    public void Evaluate_MessageFromAgent_SetsIsAgent()
    {
        var pack = When("author.is_agent", on: "message.received");

        var input = TriageInput.ForMessage(Subjects.Now, SubjectFacts.Agent(Guid.NewGuid(), "amira"), "internal note");

        Assert.True(Fires(pack, input));
    }

    [Fact]
    public void Evaluate_SeverityLiterals_CompareByUrgency()
    {
        var outcome = When("S1 < S4", then: "[severity S2]").Evaluate(Report(), new History(Subjects.Now));

        Assert.Equal(Severity.S2, outcome.Severity);
    }
}
