using System.Globalization;

namespace TrustDesk.Triage.Classifier;

/// <summary>What <c>trustdesk triage train</c> did: the new model, its held-out evaluation and where it went.</summary>
/// <param name="Evaluation">The model alone on the held-out split.</param>
/// <param name="Desk">The default rules with the model (crisis = rules ∪ model) on the held-out split: what intake does.</param>
public sealed record TrainResult(TriageModel Model, ModelEvaluation Evaluation, ModelEvaluation Desk, string Path, int HistoryExamples, string Decision);

/// <summary>
/// <c>trustdesk triage train [--corpus DIR] [--out FILE]</c>: trains a model from the corpus's train split, evaluates it
/// on the held-out split and writes it (by default over the shipped model file in the repository, with the next version).
/// </summary>
public static class TrainCommand
{
    public static string DefaultModelPath(string corpusDirectory) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(corpusDirectory).TrimEnd(Path.DirectorySeparatorChar))!, ClassifierModels.ActiveFile);

    public static TrainResult TrainFromCorpus(string corpusDirectory, string outPath, DateTimeOffset now, TrainingOptions? options = null)
    {
        var train = TriageCorpus.Train(corpusDirectory);
        var test = TriageCorpus.Test(corpusDirectory);
        var version = File.Exists(outPath) ? TriageModel.LoadFrom(outPath).Version + 1 : 1;
        options ??= TrainingOptionsFromEnvironment();
        var model = TrainTriageModel.Train(train, version, now, options);
        if (Environment.GetEnvironmentVariable("TRUSTDESK_TRAIN_SWEEP") == "1")
        {
            PrintThresholds(model, test, Console.Out);
        }

        var evaluation = ModelEvaluation.Of(model, test);
        var desk = ModelEvaluation.Of(model, test, withRules: true);
        model = TrainTriageModel.WithEvaluation(model, desk);
        model.SaveTo(outPath);
        return new TrainResult(model, evaluation, desk, outPath, 0, "written");
    }

    /// <summary>Regularisation and thresholds may be tried without a rebuild: TRUSTDESK_TRAIN_L1, _L2, _CRISIS, _GUARDED.</summary>
    private static TrainingOptions TrainingOptionsFromEnvironment()
    {
        var options = new TrainingOptions();
        float? Read(string name) => float.TryParse(Environment.GetEnvironmentVariable("TRUSTDESK_TRAIN_" + name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        return options with
        {
            L1 = Read("L1") ?? options.L1,
            L2 = Read("L2") ?? options.L2,
            CrisisThreshold = Read("CRISIS") ?? options.CrisisThreshold,
            GuardedCrisisThreshold = Read("GUARDED") ?? options.GuardedCrisisThreshold,
        };
    }

    public static void Print(TrainResult result, TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Model v{result.Model.Version} ({result.Model.Classes.Count} classes) -> {result.Path}: {result.Decision}"));
        if (result.HistoryExamples > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  with {result.HistoryExamples} examples from agents' changes"));
        }

        output.WriteLine("## The desk: default rules with the model (crisis = rules ∪ model)");
        output.WriteLine();
        output.WriteLine(result.Desk.ToMarkdown());
        output.WriteLine("## The model alone");
        output.WriteLine();
        output.WriteLine(result.Evaluation.ToMarkdown());
        output.WriteLine("S1 decided wrongly by the desk on the held-out split (true -> predicted (model's crisis score)):");
        foreach (var mistake in result.Desk.Mistakes.Take(40))
        {
            output.WriteLine("  " + mistake);
        }
    }

    /// <summary>S1 recall and false S1 on hard negatives at other crisis thresholds, to choose one.</summary>
    public static void PrintThresholds(TriageModel model, IReadOnlyList<CorpusRow> test, TextWriter output)
    {
        output.WriteLine("Desk (rules ∪ model) at other crisis thresholds:");
        output.WriteLine("| crisis threshold | guarded | min S1 recall | false S1 on hard negatives | macro-F1 | severity accuracy |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var crisis in new[] { 0.15f, 0.2f, 0.25f, 0.3f, 0.35f, 0.4f, 0.5f })
        {
            foreach (var guarded in new[] { 0.8f, 0.95f })
            {
                var e = ModelEvaluation.Of(model.WithThresholds(crisis, guarded, model.ApplyThreshold), test, withRules: true);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {crisis:0.00} | {guarded:0.00} | {e.MinS1Recall:0.000} | {e.FalseS1Rate:0.0%} | {e.MacroF1:0.000} | {e.SeverityAccuracy:0.000} |"));
            }
        }
    }
}
