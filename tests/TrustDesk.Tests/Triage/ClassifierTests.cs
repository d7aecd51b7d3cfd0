using TrustDesk.Taxonomy;
using TrustDesk.Triage;
using TrustDesk.Triage.Classifier;

namespace TrustDesk.Tests.Triage;

/// <summary>The shipped classifier on its own: what it suggests, and its figures on the held-out split of the corpus.</summary>
public sealed class ClassifierTests
{
    private static readonly TriageModel Model = ClassifierModels.Shipped;
    // The desk's decision (default rules with the model, crisis = rules ∪ model), as intake makes it.
    private static readonly Lazy<ModelEvaluation> HeldOut = new(() => ModelEvaluation.Of(Model, TriageCorpus.Test(TriageCorpus.FindDirectory()), withRules: true));

    [Theory]
    [InlineData("nobody would even notice if I was gone, been saving up my meds", "safety.self_harm", "en")]
    [InlineData("ya no quiero vivir, nadie me va a extrañar", "safety.self_harm", "es")]
    [InlineData("não aguento mais, quero morrer", "safety.self_harm", "pt")]
    [InlineData("je veux en finir, personne ne remarquerait si je disparaissais", "safety.self_harm", "fr")]
    [InlineData("someone hacked my account and changed the payout bank", "payments.account_takeover", "en")]
    public void Classify_CrisisWithoutLexiconPhrases_IsS1InItsCategoryAndLanguage(string text, string category, string language)
    {
        var suggestion = Model.Classify(text);

        Assert.True(suggestion.IsCrisis, $"crisis score {suggestion.Crisis}");
        Assert.Equal(Severity.S1, suggestion.Severity);
        Assert.Equal(category, suggestion.Category);
        Assert.Equal(language, suggestion.Language);
    }

    [Theory]
    [InlineData("this pull is killing me")]
    [InlineData("I'd die for that card")]
    [InlineData("shoot me a DM if you want the slab")]
    [InlineData("me muero por esa carta")]
    public void Classify_CollectorsHyperbole_IsNotACrisis(string text)
    {
        var suggestion = Model.Classify(text);

        Assert.False(suggestion.IsCrisis, $"crisis score {suggestion.Crisis}");
        Assert.NotEqual(Severity.S1, suggestion.Severity);
    }

    [Fact]
    public void Classify_OrdinaryComplaint_SuggestsItsCategory()
    {
        var suggestion = Model.Classify("bought a booster box two weeks ago and it never arrived, seller ignores me");

        Assert.Equal("order.not_received", suggestion.Category);
        Assert.Equal(Severity.S3, suggestion.Severity);
    }

    [Fact]
    public void HeldOut_ShippedModel_MeetsTheIssueTargets()
    {
        var e = HeldOut.Value;

        Assert.All(["en", "es", "pt", "fr"], l => Assert.True(e.S1Recall(l) >= 0.98, $"S1 recall {l} = {e.S1Recall(l):0.000}"));
        Assert.True(e.FalseS1Rate <= 0.02, $"false S1 on hard negatives {e.FalseS1Rate:0.000}");
        Assert.True(e.MacroF1 >= 0.85, $"macro-F1 {e.MacroF1:0.000}");
        Assert.True(e.SeverityAccuracy >= 0.9, $"severity accuracy {e.SeverityAccuracy:0.000}");
    }

    /// <summary>The model file in the repository is the one its figures (docs/triage.md, the file's own record) came from.</summary>
    [Fact]
    public void ShippedModel_ItsRecordedEvaluation_IsWhatItScoresOnTheHeldOutSplit()
    {
        var alone = ModelEvaluation.Of(Model, TriageCorpus.Test(TriageCorpus.FindDirectory()));

        Assert.Equal(Model.Evaluation, alone.Headline());
    }

    [Fact]
    public void SaveThenLoad_Model_ClassifiesTheSame()
    {
        using var stream = new MemoryStream();

        Model.Save(stream);
        stream.Position = 0;
        var loaded = TriageModel.Load(stream);

        Assert.Equal(Model.Version, loaded.Version);
        Assert.Equal(Model.Classify("my account was hacked").Category, loaded.Classify("my account was hacked").Category);
        Assert.Equal(Model.CrisisNgrams.Count, loaded.CrisisNgrams.Count);
        Assert.Equal(Model.CrisisThreshold, loaded.CrisisThreshold);
    }

    [Fact]
    public void Corpus_GeneratedAndHandWritten_HasAtLeast4000RowsOverEveryCategory()
    {
        var rows = TriageCorpus.Load(TriageCorpus.FindDirectory());

        Assert.True(rows.Count >= 4000, $"{rows.Count} rows");
        Assert.All(TrustDesk.Taxonomy.DefaultTaxonomy.All, c => Assert.Contains(rows, r => r.Category == c.Code));
        // The held-out families are never trained on.
        var trainFamilies = rows.Where(r => r.Split == "train").Select(r => r.Family).ToHashSet();
        Assert.DoesNotContain(rows.Where(r => r.Split == "test"), r => trainFamilies.Contains(r.Family));
    }

    /// <summary>A model in shadow records what it would have done in the active model's place, even where the active one already did it.</summary>
    [Fact]
    public void Evaluate_WithAShadowModel_RecordsItsWouldBeCategoryBesideTheActiveOne()
    {
        var shadow = new TriageModel(Model.Version + 1, Model.TrainedAt, Model.Classes, Model.Severities, Model.Weights, Model.Biases, Model.CrisisNgrams,
            Model.Languages, Model.CrisisThreshold, Model.GuardedCrisisThreshold, Model.ApplyThreshold, Model.Evaluation);
        var pack = DefaultRulePack.Compile(new TriageVocabulary { Classifier = Model, ShadowClassifier = shadow });

        var outcome = pack.Evaluate(
            TriageInput.ForReport(Subjects.Now, Subjects.Account("s"), null, "bought a booster box two weeks ago and it never arrived, seller ignores me"),
            new History(Subjects.Now));

        Assert.Equal("order.not_received", outcome.Category);
        var active = Assert.Single(outcome.Hits, h => h.Rule == ModelVerdict.HitName && !h.Shadow);
        var shadowed = Assert.Single(outcome.Hits, h => h.Rule == ModelVerdict.HitName && h.Shadow);
        Assert.Equal(Model.Version, active.Version);
        Assert.Equal(shadow.Version, shadowed.Version);
        Assert.Contains("category order.not_received", shadowed.Actions);
    }

    [Fact]
    public void MaskPersonalData_AgentHistoryText_HidesAddressesPhonesHandlesAndNumbers()
    {
        var masked = LearnFromAgents.MaskPersonalData("mail me at jane.doe@gmail.com or 555-123-4567, ig @janedoe, order 88231234");

        Assert.Equal("mail me at [email] or [phone], ig [handle], order [number]", masked);
    }
}
