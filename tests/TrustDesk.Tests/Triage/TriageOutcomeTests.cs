using TrustDesk.Taxonomy;
using TrustDesk.Triage;
using static TrustDesk.Tests.Triage.RuleTestKit;

namespace TrustDesk.Tests.Triage;

/// <summary>How the hits of several rules make one outcome, and what shadow rules do (nothing but a record).</summary>
public sealed class TriageOutcomeTests
{
    private const string Pack3 = """
        - name: low
          on: report.received
          when: true
          then: [severity S3, category order.not_received, queue orders, tag low, flag graphic]

        - name: urgent
          on: report.received
          when: true
          then: [severity S1, category safety.self_harm, queue crisis, tag urgent, flag minor,
                 note "call back within 15 minutes"]

        - name: no severity
          on: report.received
          when: true
          then: [category conduct.spam, queue conduct, tag urgent, propose warn policy=conduct.spam automatic]
        """;

    [Fact]
    public void Evaluate_SeveralHits_TakesTheMostUrgentSeverityAndItsCategoryAndQueue()
    {
        var outcome = Pack(Pack3).Evaluate(Report(), new History(Subjects.Now));

        Assert.Equal(Severity.S1, outcome.Severity);
        Assert.Equal("safety.self_harm", outcome.Category);
        Assert.Equal("crisis", outcome.Queue);
        Assert.Equal(["low", "urgent"], outcome.Tags);
        Assert.Equal(TriageFlags.Graphic | TriageFlags.Minor, outcome.Flags);
        Assert.Equal(new RuleNote("urgent", "call back within 15 minutes"), Assert.Single(outcome.Notes));
        Assert.Equal(["low", "urgent", "no severity"], outcome.Hits.Select(h => h.Rule));
    }

    [Fact]
    public void Evaluate_Propose_TargetsTheSubjectByDefault()
    {
        var subject = Subjects.Account("spammer");

        var outcome = Pack(Pack3).Evaluate(Report(subject: subject), new History(Subjects.Now));

        var proposal = Assert.Single(outcome.Proposals);
        Assert.Equal(new EnforcementProposal("warn", subject.Handle, "conduct.spam", true, "no severity"), proposal);
    }

    [Fact]
    public void Evaluate_ShadowRule_RecordsAHitAndChangesNothing()
    {
        var pack = Pack("""
            - name: trial
              state: shadow
              on: report.received
              when: count("report", subject, 1h) >= 1
              then: [severity S1, queue crisis, tag trial, propose ban]
            """);
        var subject = Subjects.Account("a");
        var history = new History(Subjects.Now).Event("report", Subjects.Now, ("reported", subject));

        var outcome = pack.Evaluate(Report(subject: subject), history);

        Assert.Null(outcome.Severity);
        Assert.Null(outcome.Queue);
        Assert.Empty(outcome.Tags);
        Assert.Empty(outcome.Proposals);
        var hit = Assert.Single(outcome.Hits);
        Assert.True(hit.Shadow);
        Assert.Equal(["severity S1", "queue crisis", "tag trial", "propose ban"], hit.Actions);
        Assert.Equal("count(\"report\", subject, 1h) = 1", hit.Values.Single().ToString());
        Assert.Empty(outcome.ActiveHits);
    }

    [Fact]
    public void Evaluate_DraftRule_DoesNotRun()
    {
        var pack = Pack("""
            - name: idea
              state: draft
              on: report.received
              when: true
              then: [severity S1]
            """);

        var outcome = pack.Evaluate(Report(), new History(Subjects.Now));

        Assert.Empty(outcome.Hits);
        Assert.Equal(RuleState.Draft, pack.Rules.Single().State);
    }

    [Fact]
    public void Evaluate_Hit_RecordsNameVersionAndTheValuesThatMadeItFire()
    {
        var pack = Pack("""
            - name: mass reports
              version: 7
              on: report.received
              when: subject.kind == "livestream" and subject.live
                and count("report", subject, 10m) >= 5
              then: [severity S1]
            """);
        var stream = Subjects.Stream("st", live: true);
        var history = new History(Subjects.Now).Events("report", 6, Subjects.Now, ("reported", stream));

        var hit = pack.Evaluate(Report(subject: stream), history).Hits.Single();

        Assert.Equal(("mass reports", 7, RuleState.Active), (hit.Rule, hit.Version, hit.State));
        Assert.Equal(
            ["subject.kind = \"livestream\"", "subject.live = true", "count(\"report\", subject, 10m) = 6"],
            hit.Values.Select(v => v.ToString()));
    }

    [Fact]
    public void Evaluate_LexiconHit_RecordsTheWordsAsWritten()
    {
        var pack = When("text ~ lexicon(\"self_harm\")");

        var hit = pack.Evaluate(Report("honestly I want to k1ll mys3lf tonight"), new History(Subjects.Now)).Hits.Single();

        Assert.Equal("text ~ lexicon(\"self_harm\") = matched \"kill myself\" (written \"k1ll mys3lf\")", hit.Values.Single().ToString());
    }

    [Fact]
    public void Evaluate_ProposalsFromTwoRules_AreKeptOnce()
    {
        var pack = Pack("""
            - name: one
              on: report.received
              when: true
              then: [propose suspend policy=p.x]

            - name: two
              on: report.received
              when: true
              then: [propose suspend policy=p.x, propose suspend target=reporter]
            """);
        var reporter = Subjects.Account("reporter");

        var outcome = pack.Evaluate(Report(reporter: reporter), new History(Subjects.Now));

        Assert.Equal(2, outcome.Proposals.Count);
        Assert.Equal(reporter.Handle, outcome.Proposals[1].Target);
        Assert.Equal("two", outcome.Proposals[1].Rule);
    }

    [Fact]
    public void Evaluate_ValueTheConditionSkipped_IsAskedAtTheHitAndNotWhenRead()
    {
        var pack = When("subject.live or count(\"report\", subject, 10m) >= 5");
        var stream = Subjects.Stream("st", live: true);
        var history = new History(Subjects.Now).Events("report", 2, Subjects.Now, ("reported", stream));

        var hit = pack.Evaluate(Report(subject: stream), history).Hits.Single();
        var asked = history.Questions.Count;
        history.Events("report", 5, Subjects.Now, ("reported", stream));
        var values = hit.Values.Select(v => v.ToString()).ToList();

        Assert.Equal(["subject.live = true", "count(\"report\", subject, 10m) = 2"], values);
        Assert.Equal(asked, history.Questions.Count);
    }

    [Fact]
    public void Evaluate_EventFieldValues_AreReadableAfterTheDocumentIsDisposed()
    {
        var pack = When("event.data.amount >= 500 and event.data.currency in [\"EUR\"] and event.data.gift", on: "event.order.placed");
        var seller = Subjects.Account("seller");
        IReadOnlyList<HitValue> values;
        using (var data = System.Text.Json.JsonDocument.Parse("""{"amount": 620, "currency": "EUR", "gift": true}"""))
        {
            values = pack.Evaluate(TriageInput.ForEvent(Subjects.Now, "order.placed", [new("seller", seller)], data.RootElement), new History(Subjects.Now)).Hits.Single().Values;
        }

        var read = values.Select(v => v.ToString()).ToList();

        Assert.Equal(["event.data.amount = 620", "event.data.currency = \"EUR\"", "event.data.gift = true"], read);
    }
}
