using TrustDesk.Triage;
using TrustDesk.Triage.Lexicons;
using static TrustDesk.Tests.Triage.RuleTestKit;

namespace TrustDesk.Tests.Triage;

/// <summary>Compiling rules from several sources, with intake's own vocabulary.</summary>
public sealed class RuleCompilerTests
{
    [Fact]
    public void Compile_RulesFromSeveralSources_KeepsEachSourceInDiagnosticsAndVersionsFromRows()
    {
        var fromFile = RulePackParser.Parse("""
            - name: file rule
              on: report.received
              when: subject.live
              then: [tag a]
            """, "pack.rules").Rules;
        var fromRow = RulePackParser.Parse("""
            - name: api rule
              on: report.received
              when: subject.live and nobody
              then: [tag b]
            """).Rules.Select(r => r with { Version = 12, State = RuleState.Shadow });

        var result = RuleCompiler.Compile([.. fromFile, .. fromRow]);

        var error = Assert.Single(result.Diagnostics);
        Assert.StartsWith("rule \"api rule\": line 3, column 26: unknown name \"nobody\"", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(["file rule"], result.Pack.Rules.Select(r => r.Name));
    }

    [Fact]
    public void Compile_OperatorVocabulary_AcceptsItsLexiconsQueuesAndEventTypes()
    {
        var vocabulary = new TriageVocabulary
        {
            Lexicons = LexiconCatalog.Load([("counterfeit", "rep*\nreplica\nunauthorized copy\n")]),
            Queues = ["authenticity-eu"],
            EventTypes = ["listing.created"],
            Categories = null,
        };
        var text = """
            - name: replica listing words
              on: message.received
              when: text ~ lexicon("counterfeit")
              then: [queue authenticity-eu, category brand.replica]

            - name: new listing
              on: event.listing.created
              when: event.data.price > 1000
              then: [tag pricey]
            """;

        var result = RuleCompiler.Compile(text, "ops.rules", vocabulary);

        Assert.Empty(result.Diagnostics);
        var outcome = result.Pack.Evaluate(TriageInput.ForMessage(Subjects.Now, Subjects.Account("buyer"), "is this a r3plica?"), new History(Subjects.Now));
        Assert.Equal(("authenticity-eu", "brand.replica"), (outcome.Queue, outcome.Category));
        Assert.Contains("unknown lexicon \"self_harm\"", RuleCompiler.Compile("""
            - name: x
              on: message.received
              when: text ~ lexicon("self_harm")
              then: [tag x]
            """, null, vocabulary).Diagnostics.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_CommentsInsideACondition_AreIgnored()
    {
        var pack = Pack("""
            - name: commented
              on: report.received
              when: subject.live    # the stream is on air
                and not subject.banned  # and not already dealt with
              then: [tag x]
            """);

        Assert.Single(pack.Evaluate(Report(subject: Subjects.Stream("s", live: true)), new History(Subjects.Now)).Hits);
    }

    [Fact]
    public void Evaluate_HitOnMissingEventField_ShowsItAsUnknown()
    {
        var pack = When("event.data.amount != 5", on: "event.order.placed");

        var hit = pack.Evaluate(TriageInput.ForEvent(Subjects.Now, "order.placed", [new("seller", Subjects.Account("s"))]), new History(Subjects.Now)).Hits.Single();

        Assert.Equal("event.data.amount = unknown", hit.Values.Single().ToString());
    }

    [Fact]
    public void Compile_TwoHundredRules_CompilesEachToADelegate()
    {
        var text = string.Concat(Enumerable.Range(0, 200).Select(i => $"""

            - name: generated {i}
              on: report.received
              when: count("report", subject, {10 + (i % 30)}m) >= {i % 7} and subject.age > {i}d
              then: [tag t{i % 5}]

            """));

        var pack = RuleCompiler.Compile(text).PackOrThrow();

        Assert.Equal(200, pack.RuleCount(TriageInput.ReportReceived));
        var subject = Subjects.Account("old", ageDays: 100);
        var outcome = pack.Evaluate(Report(subject: subject), new History(Subjects.Now).Events("report", 3, Subjects.Now, ("reported", subject)));
        Assert.Equal(Enumerable.Range(0, 100).Count(i => i % 7 <= 3), outcome.Hits.Count);
    }
}
