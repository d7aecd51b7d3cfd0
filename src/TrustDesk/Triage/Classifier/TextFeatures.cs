using TrustDesk.Triage.Lexicons;

namespace TrustDesk.Triage.Classifier;

/// <summary>
/// The classifier's features: word unigrams and bigrams and character 3- and 4-grams of the normalised text (the lexicons'
/// normaliser: lower case, accents folded, look-alikes and repeated letters undone, so "SUÏCIDE", "k1ll" and "diiie"
/// meet their plain spelling), hashed into <see cref="Buckets"/> buckets. A feature's value is its count over the square
/// root of the number of features, the same at training and at scoring. No dictionary to ship; the hashing is the
/// vocabulary.
/// </summary>
public static class TextFeatures
{
    public const int BucketBits = 16;
    public const int Buckets = 1 << BucketBits;
    private const uint Mask = Buckets - 1;

    // Distinct seeds keep a word, a word pair and a character run that spell the same from sharing a bucket.
    private const uint WordSeed = 2166136261;
    private const uint PairSeed = 0x9E3779B9;
    private const uint Char3Seed = 0x85EBCA6B;
    private const uint Char4Seed = 0xC2B2AE35;

    /// <summary>Writes the buckets of <paramref name="text"/>'s features into <paramref name="buckets"/> (grown when short); returns how many.</summary>
    public static int Extract(string text, ref int[] buckets)
    {
        var normalized = TextNormalizer.Normalize(text);
        return ExtractNormalized(normalized, ref buckets);
    }

    /// <summary>As <see cref="Extract"/> for text already normalised (" word word ").</summary>
    public static int ExtractNormalized(string normalized, ref int[] buckets) => ExtractNormalized(normalized, ref buckets, out _);

    /// <summary>
    /// As <see cref="ExtractNormalized(string, ref int[])"/>; <paramref name="characterGrams"/> says how many of the buckets
    /// (the first ones) are character n-grams: the rest are words and word pairs.
    /// </summary>
    public static int ExtractNormalized(string normalized, ref int[] buckets, out int characterGrams)
    {
        var s = normalized.AsSpan();
        var needed = (s.Length * 3) + 8;
        if (buckets.Length < needed)
        {
            buckets = new int[needed];
        }

        var n = 0;
        // Character n-grams over the whole text, spaces included, so word edges count (" kil", "ill ").
        for (var i = 0; i + 3 <= s.Length; i++)
        {
            buckets[n++] = (int)(Hash(s.Slice(i, 3), Char3Seed) & Mask);
            if (i + 4 <= s.Length)
            {
                buckets[n++] = (int)(Hash(s.Slice(i, 4), Char4Seed) & Mask);
            }
        }

        characterGrams = n;
        uint previous = 0;
        var start = -1;
        for (var i = 0; i <= s.Length; i++)
        {
            var end = i == s.Length || s[i] == ' ';
            if (!end)
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start >= 0)
            {
                var word = Hash(s[start..i], WordSeed);
                buckets[n++] = (int)(word & Mask);
                if (previous != 0)
                {
                    buckets[n++] = (int)(Mix(previous, word ^ PairSeed) & Mask);
                }

                previous = word;
                start = -1;
            }
        }

        return n;
    }

    /// <summary>
    /// The words and word pairs of a normalised text with their buckets, in order (a pair is reported at its second
    /// word): what the model's "why" names. Same hashing as <see cref="ExtractNormalized(string, ref int[], out int)"/>.
    /// </summary>
    public static IEnumerable<(string Phrase, int Bucket)> Words(string normalized)
    {
        var words = normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        uint previous = 0;
        for (var i = 0; i < words.Length; i++)
        {
            var word = Hash(words[i], WordSeed);
            yield return (words[i], (int)(word & Mask));
            if (previous != 0)
            {
                yield return (words[i - 1] + " " + words[i], (int)(Mix(previous, word ^ PairSeed) & Mask));
            }

            previous = word;
        }
    }

    /// <summary>FNV-1a, then a finaliser so the low bits (the bucket) depend on every character.</summary>
    private static uint Hash(ReadOnlySpan<char> chars, uint seed)
    {
        var h = seed;
        foreach (var c in chars)
        {
            h = (h ^ c) * 16777619;
        }

        return Final(h);
    }

    private static uint Mix(uint a, uint b) => Final((a * 31) ^ b);

    private static uint Final(uint h)
    {
        h ^= h >> 16;
        h *= 0x7FEB352D;
        h ^= h >> 15;
        h *= 0x846CA68B;
        h ^= h >> 16;
        return h == 0 ? 1 : h;
    }
}
