using System.Globalization;
using System.Text;
using TrustDesk.Taxonomy;

namespace TrustDesk.Triage.Classifier;

/// <summary>
/// What the desk (the default rules with the model) makes of ordinary text: held-out ham (support mail, triaged as an
/// email would be) and short generic texts (triaged as reports without a category). Nothing in them is urgent, so every
/// S1 or S2 the model decides is a false alarm, and a rule that fires on more than a few percent of them tells an agent
/// nothing.
/// </summary>
/// <param name="ModelS1">Texts the model made S1 (its crisis decision; rules had not).</param>
/// <param name="ModelS2">Texts the model filed under a category of severity S2 or higher without making them S1.</param>
/// <param name="DeskS1">Texts that ended S1, by rules or model.</param>
/// <param name="Rules">How many texts each active rule fired on (the model's own hit not counted), most first.</param>
/// <param name="Mistakes">The texts the model made S1 or S2 (own words), with its crisis score.</param>
public sealed record OrdinaryTextEvaluation(
    string Name, int Texts, int ModelS1, int ModelS2, int DeskS1, IReadOnlyList<(string Rule, int Fired)> Rules, IReadOnlyList<string> Mistakes)
{
    public double BusiestRuleRate => Texts == 0 || Rules.Count == 0 ? 0 : (double)Rules[0].Fired / Texts;

    public static OrdinaryTextEvaluation Of(string name, TriageModel model, IReadOnlyList<OrdinaryText> texts, bool asMail)
    {
        var pack = DefaultRulePack.Compile(new TriageVocabulary { Classifier = model });
        var reported = new SubjectFacts(new SubjectHandle(Guid.Empty, "account", "evaluation"));
        var severities = model.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => model.Severities[x.i], StringComparer.Ordinal);
        int s1 = 0, s2 = 0, deskS1 = 0;
        var fired = new Dictionary<string, int>(StringComparer.Ordinal);
        var mistakes = new List<string>();
        foreach (var text in texts)
        {
            var input = asMail
                ? TriageInput.ForMessage(DateTimeOffset.UnixEpoch, reported, text.Text)
                : TriageInput.ForReport(DateTimeOffset.UnixEpoch, reported, null, text.Text);
            var outcome = pack.Evaluate(input, ModelEvaluation.NoHistory.Instance);
            deskS1 += outcome.Severity == Severity.S1 ? 1 : 0;
            foreach (var hit in outcome.ActiveHits)
            {
                if (hit.Rule != ModelVerdict.HitName)
                {
                    fired[hit.Rule] = fired.GetValueOrDefault(hit.Rule) + 1;
                    continue;
                }

                var madeS1 = hit.Actions.Contains("severity S1");
                var filed = hit.Actions.FirstOrDefault(a => a.StartsWith("category ", StringComparison.Ordinal))?["category ".Length..];
                var madeS2 = !madeS1 && filed is not null && severities.GetValueOrDefault(filed) is { } severity && severity <= Severity.S2;
                s1 += madeS1 ? 1 : 0;
                s2 += madeS2 ? 1 : 0;
                if (madeS1 || madeS2)
                {
                    mistakes.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{(madeS1 ? "S1" : "S2")} {filed} (crisis {outcome.Suggested?.Crisis ?? 0:0.00}): {OwnWords.Of(text.Text).ReplaceLineEndings(" ")}"));
                }
            }
        }

        return new OrdinaryTextEvaluation(name, texts.Count, s1, s2, deskS1,
            [.. fired.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, f.Value))], mistakes);
    }

    /// <summary>One row of the ordinary-text table (see <see cref="TableHeader"/>).</summary>
    public string ToMarkdownRow()
    {
        var busiest = Rules.Count == 0 ? "none" : string.Create(CultureInfo.InvariantCulture, $"{Rules[0].Rule}: {Rules[0].Fired} ({BusiestRuleRate:0.0%})");
        return string.Create(CultureInfo.InvariantCulture, $"| {Name} | {Texts} | {ModelS1} | {ModelS2} | {DeskS1} | {busiest} |");
    }

    public const string TableHeader = "| set | texts | S1 by the model | S2 by the model | S1 (rules or model) | busiest default rule |\n|---|---:|---:|---:|---:|---|";

    public static string ToMarkdown(IEnumerable<OrdinaryTextEvaluation> sets)
    {
        var b = new StringBuilder();
        b.AppendLine(TableHeader);
        foreach (var set in sets)
        {
            b.AppendLine(set.ToMarkdownRow());
        }

        return b.ToString();
    }

    /// <summary>
    /// The ordinary sets of the corpus: held-out ham as mail and as reports, held-out generic texts as reports, and every ham
    /// message as mail (rules are not trained, so the whole set measures them; the model's figures there include the
    /// training part it learnt as "none").
    /// </summary>
    public static IReadOnlyList<OrdinaryTextEvaluation> HeldOut(TriageModel model, string corpusDirectory) =>
    [
        Of("ham, held out (as email)", model, [.. TriageCorpus.Ham(corpusDirectory).Where(t => t.Split == "test")], asMail: true),
        Of("ham, held out (as a report without category)", model, [.. TriageCorpus.Ham(corpusDirectory).Where(t => t.Split == "test")], asMail: false),
        Of("generic short texts, held out (as a report)", model, [.. TriageCorpus.Generic(corpusDirectory).Where(t => t.Split == "test")], asMail: false),
        Of("ham, every message (as email)", model, TriageCorpus.Ham(corpusDirectory), asMail: true),
    ];

    /// <summary>Each default rule that fired on any of the sets: how often, per set (the issue's limit is 3 % of ordinary mail).</summary>
    public static string RulesTable(IReadOnlyList<OrdinaryTextEvaluation> sets)
    {
        var c = CultureInfo.InvariantCulture;
        var rules = sets.SelectMany(s => s.Rules.Select(r => r.Rule)).Distinct().Order(StringComparer.Ordinal).ToList();
        var b = new StringBuilder();
        b.AppendLine("| rule | " + string.Join(" | ", sets.Select(s => s.Name)) + " |");
        b.AppendLine("|---|" + string.Concat(sets.Select(_ => "---:|")));
        if (rules.Count == 0)
        {
            b.AppendLine("| (no rule fired) |" + string.Concat(sets.Select(_ => " 0 |")));
        }

        foreach (var rule in rules)
        {
            b.Append(c, $"| {rule} |");
            foreach (var set in sets)
            {
                var fired = set.Rules.FirstOrDefault(r => r.Rule == rule).Fired;
                b.Append(c, $" {fired} ({(set.Texts == 0 ? 0 : (double)fired / set.Texts):0.0%}) |");
            }

            b.AppendLine();
        }

        return b.ToString();
    }
}
