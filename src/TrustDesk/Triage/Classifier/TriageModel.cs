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
/// <para>
/// Severity is the category's, except for a crisis. The crisis score is the probability mass of the S1 categories; it
/// must reach <see cref="CrisisThreshold"/>, calibrated on negatives held out of training (ordinary mail, generic short
/// texts, hyperbole, other reports), <b>and</b> the text must hold evidence: at least one of the
/// <see cref="CrisisNgrams"/>, the words, pairs and triples that the training corpus uses for crises and not otherwise.
/// A text that names nothing ("Report.", "see attached") is learnt as <c>none</c> (the corpus holds such texts) and
/// holds no crisis n-gram, so it is no crisis however its probabilities spread. The crisis category is the most likely
/// S1 category.
/// </para>
/// </summary>
public sealed class TriageModel
{
    public const string NoCategory = "none";
    private const string Magic = "TDTRIAGE";
    private const int FormatVersion = 2;

    private readonly float[] _weights; // [bucket * classCount + class]
    private readonly float[] _biases;
    private readonly HashSet<string> _crisisNgrams;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _ngramLookup;
    private readonly bool[] _crisis;
    private readonly int _none;
    private readonly string[] _idioms;

    [ThreadStatic]
    private static int[]? t_buckets;

    public TriageModel(
        int version, DateTimeOffset trainedAt, IReadOnlyList<string> classes, IReadOnlyList<Severity?> severities, float[] weights, float[] biases,
        IEnumerable<string> crisisNgrams, LanguageDetector languages, float crisisThreshold, float guardedCrisisThreshold, float applyThreshold,
        string evaluation)
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
        _crisisNgrams = new HashSet<string>(crisisNgrams, StringComparer.Ordinal);
        _ngramLookup = _crisisNgrams.GetAlternateLookup<ReadOnlySpan<char>>();
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

    /// <summary>The crisis score (S1 probability mass) from which a text holding crisis evidence is a crisis.</summary>
    public float CrisisThreshold { get; }

    /// <summary>The crisis threshold when the text holds an idiom that only sounds like a crisis ("this pull is killing me").</summary>
    public float GuardedCrisisThreshold { get; }

    /// <summary>
    /// Normalised words, word pairs and triples that are evidence of a crisis: in the crisis texts of the training corpus
    /// and (almost) never in the others. No known crisis n-gram in the text, no crisis from the model.
    /// </summary>
    public IReadOnlySet<string> CrisisNgrams => _crisisNgrams;

    /// <summary>Confidence from which a non-crisis suggestion files the item when no rule gave a category.</summary>
    public float ApplyThreshold { get; }

    /// <summary>The model's own held-out figures, measured when it was trained (the headline <c>trustdesk triage train</c> prints for "the model alone").</summary>
    public string Evaluation { get; }

    /// <summary>The same weights with other thresholds (to measure them on the held-out split).</summary>
    public TriageModel WithThresholds(float crisis, float guardedCrisis, float apply) =>
        new(Version, TrainedAt, Classes, Severities, _weights, _biases, _crisisNgrams, Languages, crisis, guardedCrisis, apply, Evaluation);

    /// <summary>The same model with its held-out figures written in.</summary>
    public TriageModel WithEvaluation(string evaluation) =>
        new(Version, TrainedAt, Classes, Severities, _weights, _biases, _crisisNgrams, Languages, CrisisThreshold, GuardedCrisisThreshold, ApplyThreshold, evaluation);

    internal float[] Weights => _weights;
    internal float[] Biases => _biases;

    /// <summary>
    /// Phrases of collectors' and streamers' hyperbole in the four languages: a text holding one needs a far higher
    /// crisis score, and they do not count against an n-gram's being crisis evidence. The model learns them too (they
    /// are hard negatives in the corpus); the guard is the belt to those braces. Matched on whole normalised words.
    /// </summary>
    public static readonly string[] Idioms =
    [
        "killing me", "killing it", "kill it on", "killed it", "id die for", "die for that", "to die for", "dying to",
        "im dead", "shoot me a", "shoot me an", "shoot me the", "murder on", "my wallet is", "rip my", "sell my soul",
        "lose my mind", "lost my mind", "blow up the chat", "is a killer", "dead stock", "deadstock", "beat the market",
        "id kill for", "literally die if", "im dying", "suspense is killing", "die laughing", "dying laughing",
        "me muero por", "me muero de", "me esta matando", "me mata de risa", "mataria por", "volver loco", "morir de la risa",
        "morrendo de", "morri de rir", "morrer de rir", "ta me matando", "morri", "enlouquecer", "ficar louco",
        "je meurs denvie", "je meurs dimpatience", "me tue", "mort de rire", "mourir de rire", "je tuerais pour", "je suis mort", "devenir fou",
    ];

    /// <summary>True when a text holds one of the <see cref="Idioms"/>.</summary>
    public bool HoldsIdiom(string text) => HoldsIdiomNormalized(TextNormalizer.Normalize(text));

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
        var (crisis, topCrisis) = CrisisMass(scores);
        var guarded = false;
        IReadOnlyList<string> evidence = [];
        if (crisis >= CrisisThreshold && topCrisis >= 0)
        {
            guarded = HoldsIdiomNormalized(normalized);
            evidence = crisis >= (guarded ? GuardedCrisisThreshold : CrisisThreshold) ? Evidence(normalized, 1) : [];
        }

        if (evidence.Count > 0)
        {
            evidence = EvidenceAsWritten(text);
            return new TriageSuggestion(Classes[topCrisis], Severity.S1, Math.Round(crisis, 4), Math.Round(crisis, 4), true, guarded, language, Version)
            {
                Evidence = evidence,
            };
        }

        // Not a crisis: the most likely category that is not one (a crisis class below the threshold, or without evidence, does not file).
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

    /// <summary>
    /// What the crisis decision reads, before any threshold: the crisis score, whether the text holds an idiom, whether
    /// it holds crisis evidence. (To calibrate and sweep thresholds without classifying again.)
    /// </summary>
    internal (double Crisis, bool Idiom, bool Evidence) CrisisInputs(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        Span<float> scores = stackalloc float[_biases.Length];
        Score(normalized, scores);
        Softmax(scores);
        return (CrisisMass(scores).Mass, HoldsIdiomNormalized(normalized), Evidence(normalized, 1).Count > 0);
    }

    /// <summary>Every class with its probability, most likely first.</summary>
    public IReadOnlyList<(string Category, double Probability)> Ranked(string text)
    {
        Span<float> scores = stackalloc float[_biases.Length];
        Score(TextNormalizer.Normalize(text), scores);
        Softmax(scores);
        var ranked = new (string, double)[scores.Length];
        for (var c = 0; c < scores.Length; c++)
        {
            ranked[c] = (Classes[c], scores[c]);
        }

        return [.. ranked.OrderByDescending(r => r.Item2)];
    }

    private (double Mass, int Top) CrisisMass(ReadOnlySpan<float> probabilities)
    {
        double mass = 0;
        var top = -1;
        for (var c = 0; c < probabilities.Length; c++)
        {
            if (_crisis[c])
            {
                mass += probabilities[c];
                top = top < 0 || probabilities[c] > probabilities[top] ? c : top;
            }
        }

        return (mass, top);
    }

    /// <summary>
    /// The known crisis n-grams in a normalised text (" word word "), in normalised form, longest where they overlap, in
    /// the order they come, at most <paramref name="max"/>: the model's evidence.
    /// </summary>
    public IReadOnlyList<string> Evidence(string normalized, int max = 3) =>
        [.. EvidenceSpans(normalized, max).Select(s => normalized[s.Start..s.End])];

    /// <summary>The evidence as the user wrote it ("nobody would", "my meds"): what the case shows as the model's reason.</summary>
    private IReadOnlyList<string> EvidenceAsWritten(string text, int max = 3)
    {
        var map = TextNormalizer.NormalizeWithMap(text);
        return [.. EvidenceSpans(map.Text, max).Select(s => map.Original(text, s.Start, s.End - s.Start)).Where(s => s.Length > 0)];
    }

    private List<(int Start, int End)> EvidenceSpans(string normalized, int max)
    {
        var found = new List<(int Start, int End)>();
        var span = normalized.AsSpan();
        // Starts of the two words before the current one: the current word with two before it, with one, alone.
        int before2 = -1, before1 = -1, start = -1;
        for (var i = 0; i <= span.Length && found.Count < max; i++)
        {
            if (i < span.Length && span[i] != ' ')
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start < 0)
            {
                continue;
            }

            foreach (var from in (ReadOnlySpan<int>)[before2, before1, start])
            {
                if (from >= 0 && _ngramLookup.Contains(span[from..i]))
                {
                    // Overlapping n-grams ("saving up my", "up my meds") read as one stretch of the text.
                    var last = found.Count - 1;
                    if (last >= 0 && found[last].End >= from)
                    {
                        found[last] = (found[last].Start, i);
                    }
                    else
                    {
                        found.Add((from, i));
                    }

                    break;
                }
            }

            before2 = before1;
            before1 = start;
            start = -1;
        }

        return found;
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
            Add(sums, weights.Slice(buckets[f] * classes, classes));
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

    private bool HoldsIdiomNormalized(string normalized)
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
        writer.Write(_crisisNgrams.Count);
        foreach (var ngram in _crisisNgrams.Order(StringComparer.Ordinal))
        {
            writer.Write(ngram);
        }

        var width = Classes.Count;
        var rows = Enumerable.Range(0, TextFeatures.Buckets).Where(b => _weights.AsSpan(b * width, width).ContainsAnyExcept(0f)).ToList();
        writer.Write(TextFeatures.Buckets);
        writer.Write(rows.Count);
        foreach (var row in rows)
        {
            writer.Write(row);
            for (var c = 0; c < width; c++)
            {
                writer.Write((Half)_weights[(row * width) + c]);
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
            // Version 1 had no crisis evidence (any text whose S1 probabilities summed over a low threshold was a crisis): not to be run any more.
            throw new InvalidDataException("Not a TrustDesk triage model of format version 2 (retrain it with `trustdesk triage train`).");
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
        var ngrams = new string[reader.ReadInt32()];
        for (var n = 0; n < ngrams.Length; n++)
        {
            ngrams[n] = reader.ReadString();
        }

        if (reader.ReadInt32() != TextFeatures.Buckets)
        {
            throw new InvalidDataException("The model was trained with another number of feature buckets.");
        }

        var width = count;
        var weights = new float[TextFeatures.Buckets * width];
        var rows = reader.ReadInt32();
        for (var r = 0; r < rows; r++)
        {
            var row = reader.ReadInt32();
            for (var c = 0; c < width; c++)
            {
                weights[(row * width) + c] = (float)reader.ReadHalf();
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
        return new TriageModel(
            version, trainedAt, classes, severities, weights, biases, ngrams, new LanguageDetector(languages, profile), crisis, guarded, apply, evaluation);
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
