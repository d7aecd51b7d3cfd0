using TrustDesk.Taxonomy;

namespace TrustDesk.Triage.Classifier;

/// <summary>S1 recall in one language: of <paramref name="S1"/> texts labelled S1, <paramref name="Found"/> were made S1.</summary>
public sealed record LanguageRecall(string Language, int S1, int Found, double Recall);

/// <summary>The confusion matrix: <c>Counts[i][j]</c> texts of true category <c>Labels[i]</c> were filed as <c>Labels[j]</c> (categories with no row and no decision left out).</summary>
public sealed record ConfusionView(IReadOnlyList<string> Labels, IReadOnlyList<int[]> Counts);

/// <summary>A row the desk decided otherwise than its label: its number (1 is the row under the header), the text (cut at 200 characters), expected and decided.</summary>
public sealed record RowMistake(int Row, string Text, string ExpectedCategory, Severity? ExpectedSeverity, string Category, Severity? Severity, double Crisis);

/// <summary>
/// The desk's scores on a Lead's labelled texts: the same figures as <c>trustdesk triage train</c> prints for the held-out
/// split (and the same table, as Markdown), the rows it got wrong, and which model and rules decided.
/// </summary>
/// <param name="ModelVersion">The active model that scored them, with the rules in force.</param>
/// <param name="NotS1">Rows not labelled S1.</param>
/// <param name="FalseS1">Of those, how many the desk made S1.</param>
/// <param name="Mistakes">Rows whose category or severity differ from the label, in file order, at most <see cref="EvaluateLabelledTexts.MaxMistakesListed"/>.</param>
/// <param name="MistakesNotListed">Wrong rows beyond those listed.</param>
/// <param name="Markdown">The tables as <c>trustdesk triage train</c> prints them.</param>
public sealed record LabelledEvaluation(
    int ModelVersion,
    int Rows,
    double CategoryAccuracy,
    double MacroF1,
    double SeverityAccuracy,
    IReadOnlyList<LanguageRecall> S1Recall,
    int NotS1,
    int FalseS1,
    IReadOnlyList<CategoryScore> Categories,
    ConfusionView Confusion,
    IReadOnlyList<RowMistake> Mistakes,
    int MistakesNotListed,
    string Markdown);

/// <summary>
/// Scores the desk as it stands — the rules in force with the active model, each text triaged as a report without a
/// category, exactly as intake would — on a CSV of texts a Lead labelled (<see cref="LabelledCsv"/>). Nothing is stored:
/// the texts are read, scored and forgotten.
/// </summary>
public sealed class EvaluateLabelledTexts(TriageEngine engine, CategoryCatalog catalog, ClassifierModels models)
{
    public const int MaxMistakesListed = 500;

    public abstract record Result;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : Result;

    public sealed record Scored(LabelledEvaluation Evaluation) : Result;

    public async Task<Result> HandleAsync(ReadOnlyMemory<byte> csv, CancellationToken cancellationToken)
    {
        var taxonomy = await catalog.GetAsync(cancellationToken);
        var severities = taxonomy.Categories.ToDictionary(c => c.Key, c => c.Value.DefaultSeverity, StringComparer.Ordinal);
        var pack = await engine.GetAsync(cancellationToken);
        var model = pack.Classifier ?? models.Active;
        var parsed = LabelledCsv.Parse(csv.Span, severities, model.Languages);
        if (!parsed.IsValid)
        {
            return new Invalid(parsed.Errors);
        }

        return new Scored(Score(model, pack, parsed.Rows, severities));
    }

    public static LabelledEvaluation Score(TriageModel model, CompiledRulePack pack, IReadOnlyList<CorpusRow> rows, IReadOnlyDictionary<string, Severity> severities)
    {
        var e = ModelEvaluation.Of(model, rows, pack, severities);
        var shown = Enumerable.Range(0, e.Labels.Count)
            .Where(i => Enumerable.Range(0, e.Labels.Count).Any(j => e.Confusion[i, j] + e.Confusion[j, i] > 0))
            .ToList();
        var confusion = new ConfusionView([.. shown.Select(i => e.Labels[i])], [.. shown.Select(i => shown.Select(j => e.Confusion[i, j]).ToArray())]);
        var wrong = rows.Select((row, i) => (Row: i + 1, Expected: row, Decided: e.Decisions[i]))
            .Where(x => x.Decided.Category != x.Expected.Category || x.Decided.Severity != x.Expected.Severity)
            .ToList();
        var mistakes = wrong.Take(MaxMistakesListed)
            .Select(x => new RowMistake(x.Row, x.Expected.Text.Length <= 200 ? x.Expected.Text : x.Expected.Text[..200] + "…",
                x.Expected.Category, x.Expected.Severity, x.Decided.Category, x.Decided.Severity, Math.Round(x.Decided.Crisis, 3)))
            .ToList();
        var recall = e.S1RecallByLanguage.OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new LanguageRecall(r.Key, r.Value.S1, r.Value.Found, Math.Round(e.S1Recall(r.Key), 4)))
            .ToList();
        return new LabelledEvaluation(model.Version, e.Rows, Math.Round(e.CategoryAccuracy, 4), Math.Round(e.MacroF1, 4), Math.Round(e.SeverityAccuracy, 4),
            recall, e.NotS1, e.FalseS1, e.Categories, confusion, mistakes, wrong.Count - mistakes.Count, e.ToMarkdown("Rows"));
    }
}
