namespace TrustDesk.Triage.Classifier;

/// <summary>
/// A character trigram profile per language (naive Bayes over hashed trigrams of the lower-cased text, accents kept:
/// "ção", "ñ", "é" are what tell Portuguese, Spanish and French apart). Learnt from the corpus with the model and
/// stored in its file. Short texts are guessed; a text with fewer than <see cref="MinLetters"/> letters gets none.
/// </summary>
public sealed class LanguageDetector
{
    public const int Bits = 13;
    private const int Size = 1 << Bits;
    private const uint Mask = Size - 1;
    private const int MinLetters = 6;

    private readonly float[] _logProbabilities; // [bucket * languages + language]

    public LanguageDetector(IReadOnlyList<string> languages, float[] logProbabilities)
    {
        if (logProbabilities.Length != Size * languages.Count)
        {
            throw new ArgumentException("The profile does not match the languages.", nameof(logProbabilities));
        }

        Languages = languages;
        _logProbabilities = logProbabilities;
    }

    public IReadOnlyList<string> Languages { get; }

    internal float[] LogProbabilities => _logProbabilities;

    /// <summary>Learns the profiles from texts labelled with their language (add-one smoothing).</summary>
    public static LanguageDetector Train(IEnumerable<(string Text, string Language)> texts)
    {
        var byLanguage = texts.GroupBy(t => t.Language, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var languages = byLanguage.Select(g => g.Key).ToArray();
        var table = new float[Size * languages.Length];
        for (var l = 0; l < languages.Length; l++)
        {
            var counts = new double[Size];
            double total = 0;
            foreach (var (text, _) in byLanguage[l])
            {
                ForEachTrigram(text, bucket =>
                {
                    counts[bucket]++;
                    total++;
                });
            }

            for (var b = 0; b < Size; b++)
            {
                table[(b * languages.Length) + l] = (float)Math.Log((counts[b] + 0.5) / (total + (0.5 * Size)));
            }
        }

        return new LanguageDetector(languages, table);
    }

    /// <summary>The most likely language, or null when the text has too few letters to tell.</summary>
    public string? Detect(ReadOnlySpan<char> text)
    {
        var count = Languages.Count;
        Span<float> scores = stackalloc float[count];
        var letters = 0;
        Span<char> window = stackalloc char[3];
        window.Fill(' ');
        foreach (var raw in text)
        {
            var c = char.IsLetter(raw) ? char.ToLowerInvariant(raw) : ' ';
            if (c == ' ' && window[2] == ' ')
            {
                continue;
            }

            letters += c == ' ' ? 0 : 1;
            window[0] = window[1];
            window[1] = window[2];
            window[2] = c;
            var row = (int)(Bucket(window) * (uint)count);
            for (var l = 0; l < count; l++)
            {
                scores[l] += _logProbabilities[row + l];
            }
        }

        if (letters < MinLetters)
        {
            return null;
        }

        var best = 0;
        for (var l = 1; l < count; l++)
        {
            if (scores[l] > scores[best])
            {
                best = l;
            }
        }

        return Languages[best];
    }

    private static void ForEachTrigram(string text, Action<int> add)
    {
        Span<char> window = stackalloc char[3];
        window.Fill(' ');
        foreach (var raw in text)
        {
            var c = char.IsLetter(raw) ? char.ToLowerInvariant(raw) : ' ';
            if (c == ' ' && window[2] == ' ')
            {
                continue;
            }

            window[0] = window[1];
            window[1] = window[2];
            window[2] = c;
            add((int)Bucket(window));
        }
    }

    private static uint Bucket(ReadOnlySpan<char> trigram)
    {
        var h = 2166136261u;
        foreach (var c in trigram)
        {
            h = (h ^ c) * 16777619;
        }

        h ^= h >> 15;
        h *= 0x2C1B3C6D;
        h ^= h >> 12;
        return h & Mask;
    }
}
