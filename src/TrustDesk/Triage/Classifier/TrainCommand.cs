using System.Globalization;

namespace TrustDesk.Triage.Classifier;

/// <summary>What <c>trustdesk triage train</c> did: the new model, its held-out evaluation and where it went.</summary>
/// <param name="Evaluation">The model alone on the held-out split.</param>
/// <param name="Desk">The default rules with the model (crisis = rules ∪ model) on the held-out split: what intake does.</param>
/// <param name="Ordinary">The desk on held-out ordinary text: ham and generic short texts.</param>
public sealed record TrainResult(
    TriageModel Model, ModelEvaluation Evaluation, ModelEvaluation Desk, IReadOnlyList<OrdinaryTextEvaluation> Ordinary, string Path, int HistoryExamples, string Decision)
{
    /// <summary>How the crisis threshold was chosen (null when a model was only evaluated).</summary>
    public CrisisCalibration? Calibration { get; init; }
}

/// <summary>
/// <c>trustdesk triage train [--corpus DIR] [--out FILE]</c>: trains a model from the corpus's train split, evaluates it
/// on the held-out split and writes it (by default over the shipped model file in the repository, with the next version).
/// </summary>
public static class TrainCommand
{
    public static string DefaultModelPath(string corpusDirectory) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(corpusDirectory).TrimEnd(Path.DirectorySeparatorChar))!, ClassifierModels.ActiveFile);

    public static TrainResult TrainFromCorpus(string corpusDirectory, string outPath, DateTimeOffset now, TrainingOptions? options = null)
    {
        var train = TrainTriageModel.TrainingRows(corpusDirectory);
        var test = TriageCorpus.Test(corpusDirectory);
        var version = PreviousVersion(outPath) + 1;
        options ??= TrainingOptionsFromEnvironment();
        var (trained, calibration) = TrainTriageModel.Train(train, version, now, options);
        // Measured as shipped: the file stores weights as halves, so the figures are those of the model read back.
        var model = TrainTriageModel.AsStored(trained);
        if (Environment.GetEnvironmentVariable("TRUSTDESK_TRAIN_SWEEP") == "1")
        {
            PrintThresholds(model, test, Console.Out);
        }

        // The model records its own figures (not the desk's, which move with the rule pack).
        model = TrainTriageModel.WithEvaluation(model, ModelEvaluation.Of(model, test));
        model.SaveTo(outPath);
        return Evaluate(model, corpusDirectory, outPath, "written") with { Calibration = calibration };
    }

    /// <summary>The version of the model file being replaced (0 when there is none; the version is in its header, whatever its format).</summary>
    private static int PreviousVersion(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var file = File.OpenRead(path);
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new BinaryReader(gzip, System.Text.Encoding.UTF8);
        reader.ReadString();
        reader.ReadInt32();
        return reader.ReadInt32();
    }

    /// <summary><c>trustdesk triage evaluate</c>: the held-out figures of a model as it is (the shipped one by default), nothing written.</summary>
    public static TrainResult Evaluate(TriageModel model, string corpusDirectory, string path, string decision = "evaluated")
    {
        var test = TriageCorpus.Test(corpusDirectory);
        return new TrainResult(model, ModelEvaluation.Of(model, test), ModelEvaluation.Of(model, test, withRules: true),
            OrdinaryTextEvaluation.HeldOut(model, corpusDirectory), path, 0, decision);
    }

    /// <summary>Regularisation and thresholds may be tried without a rebuild: TRUSTDESK_TRAIN_L1, _L2, _BUDGET, _FLOOR, _CRISIS, _SHARE, _TEXTS, _COMMON, _GUARDED.</summary>
    private static TrainingOptions TrainingOptionsFromEnvironment()
    {
        var options = new TrainingOptions();
        float? Read(string name) => float.TryParse(Environment.GetEnvironmentVariable("TRUSTDESK_TRAIN_" + name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        return options with
        {
            L1 = Read("L1") ?? options.L1,
            L2 = Read("L2") ?? options.L2,
            CrisisThreshold = Read("CRISIS") ?? options.CrisisThreshold,
            FalseCrisisBudget = Read("BUDGET") ?? options.FalseCrisisBudget,
            EvidenceShare = Read("SHARE") ?? options.EvidenceShare,
            EvidenceTexts = (int?)Read("TEXTS") ?? options.EvidenceTexts,
            CommonWordShare = Read("COMMON") ?? options.CommonWordShare,
            MinimumCrisisThreshold = Read("FLOOR") ?? options.MinimumCrisisThreshold,
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

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Crisis: threshold {result.Model.CrisisThreshold:0.000} ({result.Model.GuardedCrisisThreshold:0.00} with an idiom), {result.Model.CrisisNgrams.Count} crisis n-grams"));
        if (result.Calibration is { } calibration)
        {
            output.WriteLine("Calibration (out of fold, training rows): " + calibration.Summary());
            output.WriteLine();
            output.WriteLine(calibration.Table);
        }

        output.WriteLine();
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

        output.WriteLine();
        output.WriteLine("## Ordinary text, held out (nothing in it is urgent)");
        output.WriteLine();
        output.WriteLine(OrdinaryTextEvaluation.ToMarkdown(result.Ordinary));
        output.WriteLine("Default rules that fired on ordinary text (the model's own hit not counted):");
        output.WriteLine();
        output.WriteLine(OrdinaryTextEvaluation.RulesTable(result.Ordinary));
        foreach (var set in result.Ordinary.Where(s => s.Mistakes.Count > 0))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{set.Name}: made S1 or S2 by the model ({set.Mistakes.Count}):"));
            foreach (var mistake in set.Mistakes.GroupBy(m => m, StringComparer.Ordinal).Take(20))
            {
                output.WriteLine("  " + mistake.Key + (mistake.Count() > 1 ? string.Create(CultureInfo.InvariantCulture, $" (x{mistake.Count()})") : ""));
            }
        }
    }

    /// <summary><c>trustdesk triage classify</c>: the suggestion for a text (its own words), the crisis score, the evidence and the three most likely categories.</summary>
    public static string Explain(TriageModel model, string text)
    {
        var own = OwnWords.ForMatching(text);
        var s = model.Classify(own);
        var (crisis, idiom, _) = model.CrisisInputs(own);
        var evidence = model.Evidence(Lexicons.TextNormalizer.Normalize(own), 10);
        var c = CultureInfo.InvariantCulture;
        var found = evidence.Count == 0 ? "none" : string.Join(", ", evidence.Select(e => "\"" + e + "\""));
        var likely = string.Join(", ", model.Ranked(own).Take(3).Select(r => string.Create(c, $"{r.Category} {r.Probability:0.000}")));
        return string.Join('\n',
            string.Create(c, $"model v{model.Version}: {(s.IsCrisis ? "CRISIS " : "")}{s.Category ?? "(none)"} {s.Severity} confidence {s.Confidence:0.000}, language {s.Language ?? "?"}"),
            string.Create(c, $"crisis score {crisis:0.000} (threshold {(idiom ? model.GuardedCrisisThreshold : model.CrisisThreshold):0.00}{(idiom ? ", raised by an idiom" : "")}); crisis n-grams in the text: {found}"),
            "most likely: " + likely
                + (s.IsCrisis ? "\nevidence shown on the case: " + string.Join(", ", s.Evidence.Select(e => "\"" + e + "\"")) : ""));
    }

    /// <summary>S1 recall and false S1 on hard negatives at other crisis thresholds, to choose one.</summary>
    public static void PrintThresholds(TriageModel model, IReadOnlyList<CorpusRow> test, TextWriter output)
    {
        output.WriteLine("Desk (rules ∪ model) at other crisis thresholds:");
        output.WriteLine("| crisis threshold | guarded | min S1 recall | false S1 on hard negatives | macro-F1 | severity accuracy |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var crisis in new[] { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, model.CrisisThreshold }.Distinct().Order())
        {
            foreach (var guarded in new[] { 0.8f, 0.9f })
            {
                var e = ModelEvaluation.Of(model.WithThresholds(crisis, Math.Max(crisis, guarded), model.ApplyThreshold), test, withRules: true);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {crisis:0.00} | {guarded:0.00} | {e.MinS1Recall:0.000} | {e.FalseS1Rate:0.0%} | {e.MacroF1:0.000} | {e.SeverityAccuracy:0.000} |"));
            }
        }
    }
}
