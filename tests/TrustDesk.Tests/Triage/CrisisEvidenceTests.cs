using TrustDesk.Taxonomy;
using TrustDesk.Triage;
using TrustDesk.Triage.Classifier;

namespace TrustDesk.Tests.Triage;

/// <summary>
/// The crisis decision of the desk (default rules with the shipped model): a crisis is found however it is worded, in
/// the four languages, and says why; a text that names nothing, or ordinary mail, is never one.
/// </summary>
public sealed class CrisisEvidenceTests
{
    private static readonly CompiledRulePack Desk = DefaultRulePack.Compile(new TriageVocabulary { Classifier = ClassifierModels.Shipped });
    private static readonly Lazy<string> Corpus = new(() => TriageCorpus.FindDirectory());

    /// <summary>
    /// The issue's demo sentence and paraphrases of it written for this test (none of them is in the corpus): passive
    /// suicidal ideation and hoarded medication, without a category and without the self-harm lexicon's phrases.
    /// </summary>
    [Theory]
    [InlineData("nobody would even notice if I was gone, been saving up my meds")]
    [InlineData("no one would even notice if i disappeared, i've been stockpiling my meds")]
    [InlineData("honestly nobody would care if i wasn't here anymore. i've been saving my pills for a while")]
    [InlineData("if i was gone tomorrow no one would notice. i've got a month of meds saved up")]
    [InlineData("been hoarding my medication, nobody would miss me anyway")]
    [InlineData("nadie se daría cuenta si yo ya no estuviera, llevo semanas guardando mis pastillas")]
    [InlineData("a nadie le importaría si desaparezco, he ido juntando mis medicamentos")]
    [InlineData("si me muero nadie lo notaría, tengo guardadas un montón de pastillas")]
    [InlineData("ninguém ia perceber se eu sumisse, tô guardando meus remédios faz semanas")]
    [InlineData("ninguém sentiria minha falta, andei juntando meus comprimidos")]
    [InlineData("se eu não estivesse mais aqui ninguém ia notar, já guardei um monte de remédio")]
    [InlineData("personne ne s'en rendrait compte si je n'étais plus là, je mets mes médicaments de côté depuis des semaines")]
    [InlineData("personne ne remarquerait mon absence, j'ai gardé tous mes cachets")]
    [InlineData("si je disparaissais personne ne le verrait, j'accumule mes médicaments")]
    public void Evaluate_SelfHarmInOwnWordsWithoutCategory_IsS1SelfHarmAndSaysWhy(string text)
    {
        var outcome = Desk.Evaluate(TriageInput.ForReport(Subjects.Now, Subjects.Account("s"), null, text), new History(Subjects.Now));

        Assert.Equal(Severity.S1, outcome.Severity);
        Assert.Equal("safety.self_harm", outcome.Category);
        // Why: the hit that made it S1, a rule with its matched words or the model with the crisis n-grams it found.
        var why = Assert.Single(outcome.ActiveHits, h => h.Actions.Contains("severity S1"));
        if (why.Rule == ModelVerdict.HitName)
        {
            Assert.Contains(why.Values, v => v.Expression == "evidence" && v.Value.Length > 2);
        }
    }

    /// <summary>Short texts that name no problem (the held-out rows of generic.tsv, written for this test): none is a crisis.</summary>
    [Fact]
    public void Evaluate_GenericShortTextsWithoutCategory_NoneIsS1()
    {
        var texts = TriageCorpus.Generic(Corpus.Value).Where(t => t.Split == "test").ToList();

        var crises = texts
            .Select(t => (t.Text, Outcome: Desk.Evaluate(TriageInput.ForReport(Subjects.Now, Subjects.Account("s"), null, t.Text), new History(Subjects.Now))))
            .Where(x => x.Outcome.Severity == Severity.S1)
            .Select(x => x.Text)
            .ToList();

        Assert.True(texts.Count >= 50, $"{texts.Count} generic texts");
        Assert.Contains(texts, t => t.Text == "Report.");
        Assert.Contains(texts, t => t.Text == "Please have a look.");
        Assert.Empty(crises);
    }

    /// <summary>
    /// Nor S2: no rule's severity, and no S1 or S2 category filed, for a text that names no problem ("can you call me
    /// back" once fired the scam lexicon's "call me" and made an S2 off-platform case).
    /// </summary>
    [Fact]
    public void Evaluate_GenericShortTextsWithoutCategory_NoneIsS2OrHigher()
    {
        var severities = ClassifierModels.Shipped.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => ClassifierModels.Shipped.Severities[x.i]);
        var texts = TriageCorpus.Generic(Corpus.Value).ToList();

        var urgent = texts
            .Select(t => (t.Text, Outcome: Desk.Evaluate(TriageInput.ForReport(Subjects.Now, Subjects.Account("s"), null, t.Text), new History(Subjects.Now))))
            .Select(x => (x.Text, Severity: x.Outcome.Severity ?? (x.Outcome.Category is { } c ? severities.GetValueOrDefault(c) : null), x.Outcome.Category))
            .Where(x => x.Severity is Severity.S1 or Severity.S2)
            .Select(x => $"{x.Severity} {x.Category}: {x.Text}")
            .ToList();

        Assert.Contains(texts, t => t.Text == "can you call me back");
        Assert.True(urgent.Count == 0, string.Join("\n", urgent));
    }

    /// <summary>The model's crisis needs crisis words in the text: evidence-free texts get none, whatever the threshold.</summary>
    [Theory]
    [InlineData("Report.")]
    [InlineData("please check this seller")]
    [InlineData("see attached")]
    [InlineData("hi")]
    [InlineData("i want to talk to someone")]
    public void Classify_TextWithoutCrisisWords_IsNoCrisisEvenAtTheLowestThreshold(string text)
    {
        var model = ClassifierModels.Shipped.WithThresholds(0.01f, 0.01f, ClassifierModels.Shipped.ApplyThreshold);

        var suggestion = model.Classify(text);

        Assert.False(suggestion.IsCrisis, $"crisis score {suggestion.Crisis}, evidence {string.Join(", ", suggestion.Evidence)}");
        Assert.NotEqual(Severity.S1, suggestion.Severity);
    }

    /// <summary>Held-out ordinary mail (ham.tsv's test rows, triaged as email): the model makes nothing S1 or S2, and no default rule fires on more than 3 %.</summary>
    [Fact]
    public void Evaluate_HeldOutHam_NoS1OrS2FromTheModelAndNoRuleAbove3Percent()
    {
        var model = ClassifierModels.Shipped;
        var ham = TriageCorpus.Ham(Corpus.Value).Where(t => t.Split == "test").ToList();

        var result = OrdinaryTextEvaluation.Of("ham", model, ham, asMail: true);

        Assert.True(ham.Count >= 100, $"{ham.Count} held-out ham messages");
        Assert.True(result.ModelS1 == 0 && result.ModelS2 == 0, string.Join("\n", result.Mistakes));
        Assert.All(result.Rules, r => Assert.True(r.Fired <= ham.Count * 0.03, $"{r.Rule} fired on {r.Fired} of {ham.Count}"));
    }

    /// <summary>
    /// Every ordinary email of the ham set (training part too: rules are not trained, and the model saw it only as "none"),
    /// triaged as an email and as a report without a category: the desk makes none of them S1 or S2 — neither by a rule's
    /// severity, nor by the model's crisis, nor by filing it under an S1 or S2 category.
    /// </summary>
    [Fact]
    public void Evaluate_EveryHamMessage_IsNeverS1OrS2()
    {
        var ham = TriageCorpus.Ham(Corpus.Value);
        var severities = ClassifierModels.Shipped.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => ClassifierModels.Shipped.Severities[x.i]);

        var urgent = ham
            .SelectMany(h => new[]
            {
                (h.Text, Outcome: Desk.Evaluate(TriageInput.ForMessage(Subjects.Now, Subjects.Account("s"), h.Text), new History(Subjects.Now))),
                (h.Text, Outcome: Desk.Evaluate(TriageInput.ForReport(Subjects.Now, Subjects.Account("s"), null, h.Text), new History(Subjects.Now))),
            })
            .Select(x => (x.Text, Severity: x.Outcome.Severity ?? (x.Outcome.Category is { } c ? severities.GetValueOrDefault(c) : null), x.Outcome.Category))
            .Where(x => x.Severity is Severity.S1 or Severity.S2)
            .Select(x => $"{x.Severity} {x.Category}: {x.Text.ReplaceLineEndings(" ")}")
            .ToList();

        Assert.True(ham.Count >= 200, $"{ham.Count} ham messages");
        Assert.True(urgent.Count == 0, string.Join("\n", urgent));
    }

    /// <summary>
    /// The issue's examples and their kin: an email whose only alarming match is in a signature, an address, a quote, a
    /// disclaimer or an identifier (an order number holding 1488, a tracking number) makes no S2 or higher case.
    /// </summary>
    [Theory]
    [InlineData("Can you check my payout?\n\nBest regards,\nJane Doe\njane.doe@gmail.com\n+1 (555) 201-3344")]
    [InlineData("Please update order A-1488-2231, thanks")]
    [InlineData("Hi, order TD4821148877 still says processing. Tracking 1Z999AA10123456784 has not moved.")]
    [InlineData("When will my refund land?\n\n--\nSam Lee\ncashapp $samlee | venmo @samlee | whatsapp +44 7700 900123")]
    [InlineData("Thanks, all sorted now.\n\nOn Mon, Dec 1, 2025 at 9:14 AM Support <support@demo.trustdesk.test> wrote:\n> I want to kill myself, they took my money\n> pay me on zelle")]
    [InlineData("Is the auction still on?\n\nCONFIDENTIALITY NOTICE: This email and any attachments are confidential. If you are not the intended recipient, destroy it; threats of legal action will follow misuse.")]
    [InlineData("Order 14881488 arrived fine, thank you!")]
    public void Evaluate_MatchOnlyInSignatureAddressQuoteOrIdentifier_IsNoS2OrHigherCase(string email)
    {
        var severities = ClassifierModels.Shipped.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => ClassifierModels.Shipped.Severities[x.i]);

        var outcome = Desk.Evaluate(TriageInput.ForMessage(Subjects.Now, Subjects.Account("s"), email), new History(Subjects.Now));

        var severity = outcome.Severity ?? (outcome.Category is { } c ? severities.GetValueOrDefault(c) : null);
        Assert.True(severity is null or > Severity.S2,
            $"{severity} {outcome.Category}: {string.Join("; ", outcome.ActiveHits.Select(h => h.Rule + " " + string.Join(",", h.Actions)))}");
    }
}
