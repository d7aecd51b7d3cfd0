using TrustDesk.Taxonomy;
using TrustDesk.Triage;
using TrustDesk.Triage.Classifier;

namespace TrustDesk.Tests.Triage;

/// <summary>Rules read the classifier's suggestion; the model fills what rules leave open and joins crisis detection.</summary>
public sealed class SuggestionRuleTests
{
    private static readonly TriageVocabulary WithModel = new() { Classifier = ClassifierModels.Shipped };

    private static CompiledRulePack Pack(string rules) => RuleCompiler.Compile(rules, "test.rules", WithModel).PackOrThrow();

    [Fact]
    public void Rule_ReadingSuggestedCategoryAndConfidence_FiresAndShowsThem()
    {
        var pack = Pack("""
            - name: model says counterfeit
              on: report.received
              when: suggested.category == "authenticity.counterfeit" and suggested.confidence >= 0.5 and language == "en"
              then: [tag model-counterfeit, queue authenticity]
            """);

        var outcome = pack.Evaluate(TriageInput.ForReport(Subjects.Now, Subjects.Account("s"), null, "this slab is a fake, cert number doesnt exist"), new History(Subjects.Now));

        var hit = Assert.Single(outcome.Hits, h => h.Rule == "model says counterfeit");
        Assert.Contains(hit.Values, v => v.Expression == "suggested.category" && v.Value == "\"authenticity.counterfeit\"");
        Assert.Contains("model-counterfeit", outcome.Tags);
    }

    [Fact]
    public void Compile_SuggestedOnAnEventRule_IsAnError()
    {
        var result = RuleCompiler.Compile("""
            - name: x
              on: event.bid.placed
              when: suggested.crisis > 0.5
              then: [tag x]
            """, "test.rules");

        Assert.Contains(result.Diagnostics, d => d.ToString().Contains("suggested.crisis is only set for report.received", StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_UnknownSuggestedField_SuggestsTheClosest()
    {
        var error = RuleTestKit.FirstError("suggested.categroy == \"x\"");

        Assert.Contains("did you mean \"category\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CrisisTheRulesMiss_IsS1FromTheModelWithItsConfidence()
    {
        var pack = DefaultRulePack.Compile(WithModel);

        var outcome = pack.Evaluate(
            TriageInput.ForReport(Subjects.Now, Subjects.Account("s"), null, "nobody would even notice if I was gone, been saving up my meds"), new History(Subjects.Now));

        Assert.Equal(Severity.S1, outcome.Severity);
        Assert.Equal("safety.self_harm", outcome.Category);
        var hit = Assert.Single(outcome.Hits, h => h.Rule == ModelVerdict.HitName);
        Assert.Contains("severity S1", hit.Actions);
        Assert.Contains(hit.Values, v => v.Expression == "suggested.confidence");
        Assert.Equal("en", outcome.Language);
    }

    [Fact]
    public void Evaluate_ReporterChoseACategory_ModelDoesNotReplaceIt()
    {
        var pack = DefaultRulePack.Compile(WithModel);

        var outcome = pack.Evaluate(
            TriageInput.ForReport(Subjects.Now, Subjects.Account("s"), null, "the card is a fake", category: "order.not_as_described"), new History(Subjects.Now));

        Assert.Null(outcome.Category);
        Assert.DoesNotContain(outcome.Hits, h => h.Rule == ModelVerdict.HitName);
    }

    [Fact]
    public void Evaluate_NoCategoryGiven_ModelFilesIt()
    {
        var pack = DefaultRulePack.Compile(WithModel);

        var outcome = pack.Evaluate(
            TriageInput.ForReport(Subjects.Now, Subjects.Account("s"), null, "the psa 10 i bought is a fake slab, font on the label is wrong"), new History(Subjects.Now));

        Assert.Equal("authenticity.counterfeit", outcome.Category);
        Assert.Contains(outcome.Hits, h => h.Rule == ModelVerdict.HitName && h.Actions.Contains("category authenticity.counterfeit"));
    }

    [Fact]
    public void Evaluate_SpanishText_TagsItsLanguage()
    {
        var pack = DefaultRulePack.Compile(WithModel);

        var outcome = pack.Evaluate(
            TriageInput.ForReport(Subjects.Now, Subjects.Account("s"), null, "compré una caja y nunca llegó mi pedido, el vendedor no responde"), new History(Subjects.Now));

        Assert.Equal("es", outcome.Language);
        Assert.Contains("lang-es", outcome.Tags);
    }

    [Fact]
    public void Evaluate_AgentsOwnWords_AreNotClassified()
    {
        var pack = DefaultRulePack.Compile(WithModel);
        var agent = new SubjectFacts(new SubjectHandle(Guid.NewGuid(), "agent", "a1")) { IsAgent = true };

        var outcome = pack.Evaluate(TriageInput.ForMessage(Subjects.Now, agent, "if you feel you want to die, please call a helpline"), new History(Subjects.Now));

        Assert.Null(outcome.Severity);
        Assert.DoesNotContain(outcome.Hits, h => h.Rule == ModelVerdict.HitName);
    }
}
