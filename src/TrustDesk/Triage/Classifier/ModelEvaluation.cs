using TrustDesk.Taxonomy;
using System.Globalization;
using System.Text;

namespace TrustDesk.Triage.Classifier;

/// <summary>What the desk (or the model) decided for one row: the category ("none" when it filed nothing), the severity, the crisis score.</summary>
public sealed record RowDecision(string Category, Severity? Severity, double Crisis);

/// <summary>Per-category precision, recall and F1 on the held-out split.</summary>
public sealed record CategoryScore(string Category, int Support, int Predicted, double Precision, double Recall, double F1);

/// <summary>
/// The held-out figures of a model: what <c>trustdesk triage train</c> prints and docs/triage.md records. A prediction
/// is the model's decision (crisis threshold and idiom guard included), "none" when it files nothing.
/// </summary>
public sealed record ModelEvaluation(
    int Rows,
    double CategoryAccuracy,
    double MacroF1,
    double SeverityAccuracy,
    IReadOnlyDictionary<string, (int S1, int Found)> S1RecallByLanguage,
    int HardNegatives,
    int FalseS1OnHardNegatives,
    IReadOnlyList<CategoryScore> Categories,
    IReadOnlyList<string> Labels,
    int[,] Confusion,
    IReadOnlyList<string> Mistakes)
{
    /// <summary>Rows whose expected severity is not S1 (hard negatives or not).</summary>
    public int NotS1 { get; init; }

    /// <summary>Of <see cref="NotS1"/>, how many were made S1: every false alarm an agent would be paged for.</summary>
    public int FalseS1 { get; init; }

    /// <summary>Each row's decision, in the rows' order (for a Lead's upload, which shows the rows it got wrong).</summary>
    public IReadOnlyList<RowDecision> Decisions { get; init; } = [];

    public double S1Recall(string language) => S1RecallByLanguage.TryGetValue(language, out var r) && r.S1 > 0 ? (double)r.Found / r.S1 : 1;

    public double MinS1Recall => S1RecallByLanguage.Count == 0 ? 1 : S1RecallByLanguage.Keys.Min(S1Recall);

    public double FalseS1Rate => HardNegatives == 0 ? 0 : (double)FalseS1OnHardNegatives / HardNegatives;

    /// <summary>True when this model is at least as good as <paramref name="other"/> on every headline figure (a tolerance of 0.005 for noise).</summary>
    public bool NotWorseThan(ModelEvaluation other) =>
        MacroF1 >= other.MacroF1 - 0.005
        && SeverityAccuracy >= other.SeverityAccuracy - 0.005
        && MinS1Recall >= other.MinS1Recall - 0.005
        && FalseS1Rate <= other.FalseS1Rate + 0.005;

    /// <summary>
    /// The figures of <paramref name="model"/> alone, or (<paramref name="withRules"/>) of the desk's decision: the default
    /// rule pack compiled with the model, each row triaged as a report without a category (crisis = rules ∪ model).
    /// </summary>
    public static ModelEvaluation Of(TriageModel model, IReadOnlyList<CorpusRow> rows, bool withRules = false) =>
        Of(model, rows, withRules ? DefaultRulePack.Compile(new TriageVocabulary { Classifier = model }) : null);

    /// <summary>
    /// The figures of the desk <paramref name="pack"/> (rules compiled with <paramref name="model"/>; null: the model alone).
    /// A category the rules filed without a severity takes its default: from <paramref name="defaultSeverities"/> (the
    /// taxonomy in force) when given, else the model's label for it.
    /// </summary>
    public static ModelEvaluation Of(TriageModel model, IReadOnlyList<CorpusRow> rows, CompiledRulePack? pack, IReadOnlyDictionary<string, Severity>? defaultSeverities = null)
    {
        var modelSeverities = model.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => model.Severities[x.i], StringComparer.Ordinal);
        var reported = new SubjectFacts(new SubjectHandle(Guid.Empty, "account", "evaluation"));
        var decided = new List<(CorpusRow Row, TriageSuggestion Suggestion)>(rows.Count);
        foreach (var row in rows)
        {
            var suggestion = model.Classify(OwnWords.ForMatching(row.Text));
            if (pack is not null)
            {
                var outcome = pack.Evaluate(TriageInput.ForReport(DateTimeOffset.UnixEpoch, reported, null, row.Text), NoHistory.Instance);
                var severity = outcome.Severity
                    ?? (outcome.Category is not { } c ? null
                        : defaultSeverities is not null ? (defaultSeverities.TryGetValue(c, out var d) ? d : null)
                        : modelSeverities.GetValueOrDefault(c));
                suggestion = suggestion with { Category = outcome.Category, Severity = severity };
            }

            decided.Add((row, suggestion));
        }

        // A rule of the desk may file a category the model does not know (a Lead's own taxonomy): it gets a column too.
        var labels = rows.Select(r => r.Category).Concat(model.Classes).Concat(decided.Select(x => x.Suggestion.Category ?? TriageModel.NoCategory))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        var confusion = new int[labels.Count, labels.Count];
        int correct = 0, severityCorrect = 0, hard = 0, falseS1 = 0, notS1 = 0, anyFalseS1 = 0;
        var decisions = new List<RowDecision>(rows.Count);
        var s1 = new Dictionary<string, (int S1, int Found)>(StringComparer.Ordinal);
        var mistakes = new List<string>();
        foreach (var (row, suggestion) in decided)
        {
            var predicted = suggestion.Category ?? TriageModel.NoCategory;
            confusion[index[row.Category], index[predicted]]++;
            correct += predicted == row.Category ? 1 : 0;
            severityCorrect += suggestion.Severity == row.Severity ? 1 : 0;
            if (row.Severity == Severity.S1)
            {
                var (total, found) = s1.GetValueOrDefault(row.Language);
                s1[row.Language] = (total + 1, found + (suggestion.Severity == Severity.S1 ? 1 : 0));
            }

            if (row.Severity != Severity.S1)
            {
                notS1++;
                anyFalseS1 += suggestion.Severity == Severity.S1 ? 1 : 0;
            }

            decisions.Add(new RowDecision(predicted, suggestion.Severity, suggestion.Crisis));
            if (row.IsHardNegative)
            {
                hard++;
                falseS1 += suggestion.Severity == Severity.S1 ? 1 : 0;
            }

            if ((row.Severity == Severity.S1) != (suggestion.Severity == Severity.S1))
            {
                mistakes.Add(string.Create(CultureInfo.InvariantCulture, $"{row.Category} -> {predicted} ({suggestion.Crisis:0.00}{(suggestion.IdiomGuarded ? ", idiom" : "")}): {row.Text}"));
            }
        }

        var scores = new List<CategoryScore>();
        for (var i = 0; i < labels.Count; i++)
        {
            int support = 0, predictedCount = 0;
            for (var j = 0; j < labels.Count; j++)
            {
                support += confusion[i, j];
                predictedCount += confusion[j, i];
            }

            if (support == 0)
            {
                continue;
            }

            var tp = confusion[i, i];
            var precision = predictedCount == 0 ? 0 : (double)tp / predictedCount;
            var recall = (double)tp / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            scores.Add(new CategoryScore(labels[i], support, predictedCount, precision, recall, f1));
        }

        var macro = scores.Count == 0 ? 0 : scores.Average(s => s.F1);
        return new ModelEvaluation(rows.Count, (double)correct / Math.Max(1, rows.Count), macro, (double)severityCorrect / Math.Max(1, rows.Count),
            s1, hard, falseS1, scores, labels, confusion, mistakes)
        {
            NotS1 = notS1,
            FalseS1 = anyFalseS1,
            Decisions = decisions,
        };
    }

    /// <summary>Text alone: no signals, no links (the corpus has no history).</summary>
    internal sealed class NoHistory : ITriageContext
    {
        public static readonly NoHistory Instance = new();

        public long Count(string eventType, SubjectHandle subject, string? role, TimeSpan window) => 0;

        public long Distinct(string identifierType, SubjectHandle subject, TimeSpan window) => 0;

        public LinkPath? FindLink(SubjectHandle from, SubjectHandle to, int maxHops) => null;

        public LinkPath? FindLinkToBanned(SubjectHandle from, int maxHops) => null;
    }

    /// <summary>The figures as Markdown: headline, S1 recall by language, per-category table, confusion (rows: true, columns: predicted).</summary>
    public string ToMarkdown(string rowsLabel = "Held-out rows")
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(c, $"{rowsLabel}: {Rows}. Category accuracy {CategoryAccuracy:0.000}, macro-F1 {MacroF1:0.000}, severity accuracy {SeverityAccuracy:0.000}.");
        if (HardNegatives > 0)
        {
            b.AppendLine(c, $"False S1 on hard negatives: {FalseS1OnHardNegatives}/{HardNegatives} ({FalseS1Rate:0.0%}).");
        }

        b.AppendLine(c, $"False S1 on all rows that are not S1: {FalseS1}/{NotS1} ({(NotS1 == 0 ? 0 : (double)FalseS1 / NotS1):0.0%}).");
        b.AppendLine();
        b.AppendLine("| language | S1 texts | found S1 | recall |");
        b.AppendLine("|---|---:|---:|---:|");
        foreach (var (language, (total, found)) in S1RecallByLanguage.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            b.AppendLine(c, $"| {language} | {total} | {found} | {(double)found / total:0.000} |");
        }

        b.AppendLine();
        b.AppendLine("| category | support | predicted | precision | recall | F1 |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var s in Categories)
        {
            b.AppendLine(c, $"| {s.Category} | {s.Support} | {s.Predicted} | {s.Precision:0.000} | {s.Recall:0.000} | {s.F1:0.000} |");
        }

        b.AppendLine();
        b.AppendLine("Confusion (rows: true category, columns: predicted; numbered as in the first column):");
        b.AppendLine();
        var shown = Enumerable.Range(0, Labels.Count).Where(i => Enumerable.Range(0, Labels.Count).Any(j => Confusion[i, j] + Confusion[j, i] > 0)).ToList();
        b.Append("| # | true \\ predicted |");
        foreach (var j in shown)
        {
            b.Append(c, $" {shown.IndexOf(j) + 1} |");
        }

        b.AppendLine();
        b.Append("|---|---|");
        b.AppendLine(string.Concat(shown.Select(_ => "---:|")));
        foreach (var i in shown)
        {
            b.Append(c, $"| {shown.IndexOf(i) + 1} | {Labels[i]} |");
            foreach (var j in shown)
            {
                b.Append(Confusion[i, j] == 0 ? " . |" : string.Create(c, $" {Confusion[i, j]} |"));
            }

            b.AppendLine();
        }

        return b.ToString();
    }

    /// <summary>One line of headline figures, kept in the model file and shown to Leads.</summary>
    public string Headline() => string.Create(CultureInfo.InvariantCulture,
        $"macro-F1 {MacroF1:0.000}; severity accuracy {SeverityAccuracy:0.000}; S1 recall {string.Join(", ", S1RecallByLanguage.Keys.Order(StringComparer.Ordinal).Select(l => $"{l} {S1Recall(l):0.000}"))}; false S1 on hard negatives {FalseS1Rate:0.0%} ({Rows} held-out rows)");
}
