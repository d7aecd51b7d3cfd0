using TrustDesk.Taxonomy;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using TrustDesk.Triage.Lexicons;

namespace TrustDesk.Triage.Classifier;

/// <summary>
/// The learnt triage classifier: a multiclass linear model (maximum entropy, trained by ML.NET's L-BFGS) over hashed
/// word and character n-grams, scored here by hand: the weights are laid out bucket by bucket, so a text costs one
/// normalisation and, per feature, one vector add of the class row (no ML.NET pipeline, no per-call allocation but the
/// normalised string). Immutable and thread-safe; load it once (<see cref="ClassifierModels"/>).
/// Severity is a calibrated mapping: the category's severity, except that a crisis score (the probability mass of the
/// S1 categories) above <see cref="CrisisThreshold"/> makes it the most likely S1 category — recall first, because a
/// missed crisis costs more than a crisis queue item an agent moves on.
/// </summary>
public sealed class TriageModel
{
    public const string NoCategory = "none";
    private const string Magic = "TDTRIAGE";
    private const int FormatVersion = 1;

    private readonly float[] _weights; // [bucket * classCount + class]
    private readonly float[] _biases;
    private readonly bool[] _crisis;
    private readonly int _none;
    private readonly string[] _idioms;

    [ThreadStatic]
    private static int[]? t_buckets;

    public TriageModel(
        int version, DateTimeOffset trainedAt, IReadOnlyList<string> classes, IReadOnlyList<Severity?> severities, float[] weights, float[] biases,
        LanguageDetector languages, float crisisThreshold, float guardedCrisisThreshold, float applyThreshold, string evaluation)
    {
        if (weights.Length != TextFeatures.Buckets * classes.Count || biases.Length != classes.Count || severities.Count != classes.Count)
        {
            throw new ArgumentException("The weights do not match the classes.");
        }

        Version = version;
        TrainedAt = trainedAt;
        Classes = classes;
        Severities = severities;
        _weights = weights;
        _biases = biases;
        _crisis = [.. severities.Select(s => s == Severity.S1)];
        _none = classes.ToList().IndexOf(NoCategory);
        Languages = languages;
        CrisisThreshold = crisisThreshold;
        GuardedCrisisThreshold = guardedCrisisThreshold;
        ApplyThreshold = applyThreshold;
        Evaluation = evaluation;
        _idioms = [.. Idioms.Select(TextNormalizer.Normalize).Where(i => i.Length > 2).Distinct()];
    }

    public int Version { get; }
    public DateTimeOffset TrainedAt { get; }
    public IReadOnlyList<string> Classes { get; }
    public IReadOnlyList<Severity?> Severities { get; }
    public LanguageDetector Languages { get; }

    /// <summary>Crisis score from which the text is treated as a crisis (recall-oriented: low).</summary>
    public float CrisisThreshold { get; }

    /// <summary>The crisis threshold when the text holds an idiom that only sounds like a crisis ("this pull is killing me").</summary>
    public float GuardedCrisisThreshold { get; }

    /// <summary>Confidence from which a non-crisis suggestion files the item when no rule gave a category.</summary>
    public float ApplyThreshold { get; }

    /// <summary>The held-out figures measured when the model was trained (the text <c>trustdesk triage train</c> prints).</summary>
    public string Evaluation { get; }

    /// <summary>The same weights with other thresholds (to measure them on the held-out split).</summary>
    public TriageModel WithThresholds(float crisis, float guardedCrisis, float apply) =>
        new(Version, TrainedAt, Classes, Severities, _weights, _biases, Languages, crisis, guardedCrisis, apply, Evaluation);

    internal float[] Weights => _weights;
    internal float[] Biases => _biases;

    /// <summary>
    /// Phrases of collectors' and streamers' hyperbole in the four languages: a text holding one needs a far higher
    /// crisis score. The model learns them too (they are hard negatives in the corpus); the guard is the belt to those braces.
    /// </summary>
    public static readonly string[] Idioms =
    [
        "killing me", "killing it", "kill it on", "killed it", "id die for", "die for that", "to die for", "dying to",
        "im dead", "shoot me a", "shoot me an", "shoot me the", "murder on", "my wallet is", "rip my", "sell my soul",
        "lose my mind", "lost my mind", "blow up the chat", "is a killer", "dead stock", "deadstock", "beat the market",
        "id kill for", "literally die if", "im dying", "suspense is killing",
        "me muero por", "me muero de", "me esta matando", "me mata de risa", "mataria por", "volver loco",
        "morrendo de", "morri de rir", "ta me matando", "mataria por", "morri", "enlouquecer", "ficar louco",
        "je meurs d", "me tue", "mort de rire", "je tuerais pour", "je suis mort", "devenir fou",
    ];

    /// <summary>The suggestion for a text (the user's own words: call it after <see cref="OwnWords"/>).</summary>
    public TriageSuggestion Classify(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return TriageSuggestion.None;
        }

        var normalized = TextNormalizer.Normalize(text);
        var classes = _biases.Length;
        Span<float> scores = stackalloc float[classes];
        Score(normalized, scores);
        Softmax(scores);

        var language = Languages.Detect(text);
        double crisis = 0;
        var top = 0;
        var topCrisis = -1;
        for (var c = 0; c < classes; c++)
        {
            if (scores[c] > scores[top])
            {
                top = c;
            }

            if (_crisis[c])
            {
                crisis += scores[c];
                if (topCrisis < 0 || scores[c] > scores[topCrisis])
                {
                    topCrisis = c;
                }
            }
        }

        var guarded = false;
        var isCrisis = false;
        if (crisis >= CrisisThreshold && topCrisis >= 0)
        {
            guarded = HoldsIdiom(normalized);
            isCrisis = crisis >= (guarded ? GuardedCrisisThreshold : CrisisThreshold);
        }

        if (isCrisis)
        {
            return new TriageSuggestion(Classes[topCrisis], Severity.S1, Math.Round(crisis, 4), Math.Round(crisis, 4), true, guarded, language, Version);
        }

        // Not a crisis: the most likely category that is not one (a crisis class below the threshold does not file).
        var best = -1;
        for (var c = 0; c < classes; c++)
        {
            if (!_crisis[c] && (best < 0 || scores[c] > scores[best]))
            {
                best = c;
            }
        }

        var category = best == _none ? null : Classes[best];
        return new TriageSuggestion(category, category is null ? null : Severities[best], Math.Round(scores[best], 4), Math.Round(crisis, 4), false, guarded, language, Version);
    }

    /// <summary>Raw class scores (logits) of a normalised text.</summary>
    internal void Score(string normalized, Span<float> scores)
    {
        var buckets = t_buckets ??= new int[1024];
        var count = TextFeatures.ExtractNormalized(normalized, ref buckets);
        t_buckets = buckets;
        var classes = _biases.Length;
        var value = count == 0 ? 0f : 1f / MathF.Sqrt(count);
        var sums = scores;
        sums.Clear();
        var weights = _weights.AsSpan();
        for (var f = 0; f < count; f++)
        {
            var row = weights.Slice(buckets[f] * classes, classes);
            Add(sums, row);
        }

        for (var c = 0; c < classes; c++)
        {
            sums[c] = (sums[c] * value) + _biases[c];
        }
    }

    private static void Add(Span<float> sums, ReadOnlySpan<float> row)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<float>.Count;
            var s = MemoryMarshal.Cast<float, Vector<float>>(sums[..(sums.Length / width * width)]);
            var r = MemoryMarshal.Cast<float, Vector<float>>(row[..(row.Length / width * width)]);
            for (var v = 0; v < s.Length; v++)
            {
                s[v] += r[v];
            }

            i = s.Length * width;
        }

        for (; i < sums.Length; i++)
        {
            sums[i] += row[i];
        }
    }

    private static void Softmax(Span<float> scores)
    {
        var max = float.NegativeInfinity;
        foreach (var s in scores)
        {
            max = MathF.Max(max, s);
        }

        float sum = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = MathF.Exp(scores[i] - max);
            sum += scores[i];
        }

        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] /= sum;
        }
    }

    private bool HoldsIdiom(string normalized)
    {
        foreach (var idiom in _idioms)
        {
            // Entries are normalised like the text (" word word "), so Contains matches whole words.
            if (normalized.Contains(idiom, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes the model: gzip of a small header, the non-zero weight rows as halves, the language profiles and the evaluation.</summary>
    public void Save(Stream stream)
    {
        using var gzip = new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
        using var writer = new BinaryWriter(gzip, Encoding.UTF8);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(Version);
        writer.Write(TrainedAt.UtcTicks);
        writer.Write(Classes.Count);
        for (var c = 0; c < Classes.Count; c++)
        {
            writer.Write(Classes[c]);
            writer.Write((byte)(Severities[c] is { } s ? (int)s : 0));
            writer.Write(_biases[c]);
        }

        writer.Write(CrisisThreshold);
        writer.Write(GuardedCrisisThreshold);
        writer.Write(ApplyThreshold);
        var classes = Classes.Count;
        var rows = Enumerable.Range(0, TextFeatures.Buckets).Where(b => _weights.AsSpan(b * classes, classes).ContainsAnyExcept(0f)).ToList();
        writer.Write(TextFeatures.Buckets);
        writer.Write(rows.Count);
        foreach (var row in rows)
        {
            writer.Write(row);
            for (var c = 0; c < classes; c++)
            {
                writer.Write((Half)_weights[(row * classes) + c]);
            }
        }

        writer.Write(Languages.Languages.Count);
        foreach (var language in Languages.Languages)
        {
            writer.Write(language);
        }

        foreach (var p in Languages.LogProbabilities)
        {
            writer.Write((Half)p);
        }

        writer.Write(Evaluation);
    }

    public static TriageModel Load(Stream stream)
    {
        using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new BinaryReader(gzip, Encoding.UTF8);
        if (reader.ReadString() != Magic || reader.ReadInt32() != FormatVersion)
        {
            throw new InvalidDataException("Not a TrustDesk triage model (or one of another format version).");
        }

        var version = reader.ReadInt32();
        var trainedAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        var count = reader.ReadInt32();
        var classes = new string[count];
        var severities = new Severity?[count];
        var biases = new float[count];
        for (var c = 0; c < count; c++)
        {
            classes[c] = reader.ReadString();
            var s = reader.ReadByte();
            severities[c] = s == 0 ? null : (Severity)s;
            biases[c] = reader.ReadSingle();
        }

        var crisis = reader.ReadSingle();
        var guarded = reader.ReadSingle();
        var apply = reader.ReadSingle();
        if (reader.ReadInt32() != TextFeatures.Buckets)
        {
            throw new InvalidDataException("The model was trained with another number of feature buckets.");
        }

        var weights = new float[TextFeatures.Buckets * count];
        var rows = reader.ReadInt32();
        for (var r = 0; r < rows; r++)
        {
            var row = reader.ReadInt32();
            for (var c = 0; c < count; c++)
            {
                weights[(row * count) + c] = (float)reader.ReadHalf();
            }
        }

        var languages = new string[reader.ReadInt32()];
        for (var l = 0; l < languages.Length; l++)
        {
            languages[l] = reader.ReadString();
        }

        var profile = new float[(1 << LanguageDetector.Bits) * languages.Length];
        for (var i = 0; i < profile.Length; i++)
        {
            profile[i] = (float)reader.ReadHalf();
        }

        var evaluation = reader.ReadString();
        return new TriageModel(version, trainedAt, classes, severities, weights, biases, new LanguageDetector(languages, profile), crisis, guarded, apply, evaluation);
    }

    public void SaveTo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        using (var file = File.Create(temporary))
        {
            Save(file);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static TriageModel LoadFrom(string path)
    {
        using var file = File.OpenRead(path);
        return Load(file);
    }
}
