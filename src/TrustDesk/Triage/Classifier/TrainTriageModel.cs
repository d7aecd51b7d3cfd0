using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace TrustDesk.Triage.Classifier;

/// <summary>Settings of a training run; the defaults are the ones the shipped model was trained with.</summary>
public sealed record TrainingOptions
{
    public float L1 { get; init; } = 0.00003f;
    public float L2 { get; init; } = 0.0002f;
    public int Iterations { get; init; } = 300;
    public float CrisisThreshold { get; init; } = 0.15f;
    public float GuardedCrisisThreshold { get; init; } = 0.95f;
    public float ApplyThreshold { get; init; } = 0.45f;
    public int Seed { get; init; } = 20261207;
}

/// <summary>
/// Trains the triage model with ML.NET: the features are ours (<see cref="TextFeatures"/>, so scoring needs no ML.NET),
/// the learner is ML.NET's L-BFGS maximum entropy; its weights and biases are copied into a <see cref="TriageModel"/>.
/// </summary>
public static class TrainTriageModel
{
    private sealed class Example
    {
        public uint Label { get; set; }
        public VBuffer<float> Features { get; set; }
    }

    public static TriageModel Train(IReadOnlyList<CorpusRow> rows, int version, DateTimeOffset trainedAt, TrainingOptions? options = null)
    {
        options ??= new TrainingOptions();
        var classes = rows.Select(r => r.Category).Distinct().Order(StringComparer.Ordinal).ToList();
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        // Each category's severity is the one its examples carry most (the taxonomy's default, as the corpus writes them).
        var severities = classes
            .Select(c => rows.Where(r => r.Category == c).GroupBy(r => r.Severity).OrderByDescending(g => g.Count()).First().Key)
            .ToList();

        var ml = new MLContext(options.Seed);
        var examples = rows.Select(r => new Example { Label = (uint)classIndex[r.Category], Features = Featurize(r.Text) }).ToList();
        var schema = SchemaDefinition.Create(typeof(Example));
        schema[nameof(Example.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, TextFeatures.Buckets);
        schema[nameof(Example.Label)].ColumnType = new KeyDataViewType(typeof(uint), classes.Count);
        var data = ml.Data.LoadFromEnumerable(examples, schema);

        var trainer = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = nameof(Example.Label),
            FeatureColumnName = nameof(Example.Features),
            L1Regularization = options.L1,
            L2Regularization = options.L2,
            MaximumNumberOfIterations = options.Iterations,
            OptimizationTolerance = 1e-7f,
        });
        var fitted = trainer.Fit(data);
        var parameters = fitted.Model;

        VBuffer<float>[] byClass = [];
        parameters.GetWeights(ref byClass, out var numClasses);
        var weights = new float[TextFeatures.Buckets * classes.Count];
        for (var c = 0; c < numClasses; c++)
        {
            foreach (var (bucket, value) in byClass[c].Items())
            {
                weights[(bucket * classes.Count) + c] = value;
            }
        }

        var biases = parameters.GetBiases().ToArray();
        var languages = LanguageDetector.Train(rows.Where(r => r.Category != TriageModel.NoCategory || r.Language != "en").Select(r => (r.Text, r.Language)));
        var model = new TriageModel(version, trainedAt, classes, severities, weights, biases, languages,
            options.CrisisThreshold, options.GuardedCrisisThreshold, options.ApplyThreshold, "");
        return model;
    }

    /// <summary>A copy of the model with its held-out evaluation written in (the headline line).</summary>
    public static TriageModel WithEvaluation(TriageModel model, ModelEvaluation evaluation) =>
        new(model.Version, model.TrainedAt, model.Classes, model.Severities, model.Weights, model.Biases, model.Languages,
            model.CrisisThreshold, model.GuardedCrisisThreshold, model.ApplyThreshold, evaluation.Headline());

    /// <summary>The sparse feature vector of a text, as scoring sees it (count over the square root of the number of features).</summary>
    internal static VBuffer<float> Featurize(string text)
    {
        var buckets = new int[256];
        var count = TextFeatures.Extract(OwnWords.ForMatching(text), ref buckets);
        var counts = new SortedDictionary<int, float>();
        for (var i = 0; i < count; i++)
        {
            counts[buckets[i]] = counts.GetValueOrDefault(buckets[i]) + 1;
        }

        var scale = count == 0 ? 0 : 1 / MathF.Sqrt(count);
        return new VBuffer<float>(TextFeatures.Buckets, counts.Count, [.. counts.Values.Select(v => v * scale)], [.. counts.Keys]);
    }
}
