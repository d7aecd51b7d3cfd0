using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using TrustDesk.Triage;
using TrustDesk.Triage.Classifier;

namespace TrustDesk.Bench.Rules;

/// <summary>
/// <c>dotnet run -c Release --project bench/TrustDesk.Bench.Rules -- --classifier</c>: the inline cost of the triage
/// classifier per text (median and 90th percentile of single calls, timed one by one over the held-out texts, after a
/// warm-up), the same for the default pack with and without the model, and, for comparison, ML.NET's own
/// PredictionEngine over a FeaturizeText + L-BFGS pipeline trained on the same corpus.
/// </summary>
internal static class ClassifierCost
{
    private sealed class Row
    {
        public string Text { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private sealed class Prediction
    {
        [ColumnName("PredictedLabel")]
        public string Label { get; set; } = "";
    }

    public static void Run()
    {
        var corpus = TriageCorpus.FindDirectory();
        var texts = TriageCorpus.Test(corpus).Select(r => r.Text).ToArray();
        var model = ClassifierModels.Shipped;
        Report("TriageModel.Classify (own hashing + extracted weights)", texts, t => model.Classify(t));
        Report("OwnWords.Of + Classify", texts, t => model.Classify(OwnWords.Of(t)));

        var rulesOnly = DefaultRulePack.Compile();
        var withModel = DefaultRulePack.Compile(new TriageVocabulary { Classifier = model });
        var context = new BenchContext(false);
        var now = DateTimeOffset.UtcNow;
        var account = new SubjectFacts(new SubjectHandle(Guid.NewGuid(), "account", "bench"));
        Report("default pack, report, rules only", texts, t => rulesOnly.Evaluate(TriageInput.ForReport(now, account, null, t), context));
        Report("default pack, report, rules + model", texts, t => withModel.Evaluate(TriageInput.ForReport(now, account, null, t), context));

        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(TriageCorpus.Train(corpus).Select(r => new Row { Text = r.Text, Label = r.Category }));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Text.FeaturizeText("Features", "Text"))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy())
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var fitted = pipeline.Fit(train);
        var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(fitted);
        var row = new Row();
        Report("ML.NET PredictionEngine (FeaturizeText + L-BFGS)", texts, t =>
        {
            row.Text = t;
            return engine.Predict(row);
        });
    }

    private static void Report(string name, string[] texts, Func<string, object?> call)
    {
        for (var i = 0; i < 3; i++)
        {
            foreach (var t in texts)
            {
                call(t);
            }
        }

        var times = new List<double>(texts.Length * 5);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 5; round++)
        {
            foreach (var t in texts)
            {
                var start = Stopwatch.GetTimestamp();
                call(t);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }

        allocated = (GC.GetAllocatedBytesForCurrentThread() - allocated) / times.Count;
        times.Sort();
        Console.WriteLine($"{name,-60} median {times[times.Count / 2],7:0.0} µs   p90 {times[times.Count * 9 / 10],7:0.0} µs   {allocated,6} B/call   ({times.Count} calls)");
    }
}
