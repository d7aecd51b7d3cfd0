using System.Text;

namespace TrustDesk.Triage.Lexicons;

/// <summary>
/// Normalised text and, for each of its characters, the first and last index of the original characters it stands for
/// (-1 for the spaces between words).
/// </summary>
internal sealed record NormalizedText(string Text, int[] SourceStart, int[] SourceEnd)
{
    /// <summary>The original text behind a span of the normalised one: how the user actually wrote a matched phrase.</summary>
    public string Original(string source, int start, int length)
    {
        var from = -1;
        var to = -1;
        for (var i = start; i < start + length; i++)
        {
            if (SourceStart[i] < 0)
            {
                continue;
            }

            if (from < 0)
            {
                from = SourceStart[i];
            }

            to = SourceEnd[i];
        }

        return from < 0 ? "" : source[from..(to + 1)];
    }
}

/// <summary>
/// Brings text to the form lexicons are matched in, so that the ways people dodge a word filter do not work:
/// <list type="bullet">
/// <item>case and accents: <c>SUÏCIDE</c> → <c>suicide</c>;</item>
/// <item>look-alike characters inside a word: 0→o, 1 ! | l→i, 3→e, 4 @→a, 5 $→s, 7→t (<c>k1ll</c>, <c>$ex</c>); numbers on their own stay numbers (and are dropped);</item>
/// <item>spaced-out letters: three or more single letters in a row join (<c>s u i c i d e</c>, <c>s.u.i.c.i.d.e</c>);</item>
/// <item>repeated letters collapse (<c>diiiie</c> → <c>die</c>, and so <c>kill</c> → <c>ki</c>: both sides are normalised alike);</item>
/// <item>apostrophes vanish (<c>don't</c> → <c>dont</c>); everything else separates words.</item>
/// </list>
/// The result is lower-case words over a–z, each surrounded by single spaces, so a phrase matches on whole words.
/// </summary>
public static class TextNormalizer
{
    // Latin-1 Supplement and Latin Extended-A letters, U+00C0 to U+017F, folded to their base letter ('\0': not a letter).
    private const string FoldFrom00C0 =
        "aaaaaaaceeeeiiiidnooooo\0ouuuuytsaaaaaaaceeeeiiiidnooooo\0ouuuuyty" + // U+00C0–U+00FF (Æ→a, Ø→o, Þ→t, ß→s; × ÷ are not letters)
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll" + // U+0100–U+013F
        "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs"; // U+0140–U+017F

    public static string Normalize(string text) => NormalizeWithMap(text).Text;

    internal static NormalizedText NormalizeWithMap(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<(StringBuilder Letters, List<int> Sources)>();
        var i = 0;
        while (i < text.Length)
        {
            if (!IsWordChar(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            var hasLetter = false;
            while (i < text.Length && (IsWordChar(text[i]) || IsIgnorable(text[i])))
            {
                hasLetter |= Fold(text[i]) is not '\0';
                i++;
            }

            if (!hasLetter)
            {
                continue; // a number, a lone symbol
            }

            var letters = new StringBuilder(i - start);
            var sources = new List<int>(i - start);
            for (var j = start; j < i; j++)
            {
                var c = text[j];
                var folded = Fold(c);
                if (folded == '\0')
                {
                    folded = LookAlike(c);
                    // ! and | stand for i only before a letter (k!ll), not as the punctuation that ends a word.
                    if ((c is '!' or '|') && (j + 1 >= i || Fold(text[j + 1]) == '\0'))
                    {
                        folded = '\0';
                    }
                }

                if (folded == '\0')
                {
                    continue;
                }

                letters.Append(folded);
                sources.Add(j);
            }

            if (letters.Length > 0)
            {
                words.Add((letters, sources));
            }
        }

        // s u i c i d e: runs of three or more single letters are one word.
        var joined = new List<(StringBuilder Letters, List<int> Sources)>();
        for (var w = 0; w < words.Count;)
        {
            var run = w;
            while (run < words.Count && words[run].Letters.Length == 1)
            {
                run++;
            }

            if (run - w >= 3)
            {
                var letters = new StringBuilder();
                var sources = new List<int>();
                for (var k = w; k < run; k++)
                {
                    letters.Append(words[k].Letters);
                    sources.AddRange(words[k].Sources);
                }

                joined.Add((letters, sources));
                w = run;
            }
            else
            {
                joined.Add(words[w]);
                w++;
            }
        }

        var output = new StringBuilder(text.Length + 2);
        var starts = new List<int>(text.Length + 2);
        var ends = new List<int>(text.Length + 2);
        output.Append(' ');
        starts.Add(-1);
        ends.Add(-1);
        foreach (var (letters, sources) in joined)
        {
            for (var k = 0; k < letters.Length; k++)
            {
                if (k > 0 && letters[k] == letters[k - 1])
                {
                    ends[^1] = sources[k];
                    continue;
                }

                output.Append(letters[k]);
                starts.Add(sources[k]);
                ends.Add(sources[k]);
            }

            output.Append(' ');
            starts.Add(-1);
            ends.Add(-1);
        }

        return new NormalizedText(output.ToString(), [.. starts], [.. ends]);
    }

    /// <summary>A letter folded to a–z (with l as i, since 1 and | and l look alike), or '\0' for anything else.</summary>
    private static char Fold(char c)
    {
        if (c is >= 'a' and <= 'z')
        {
            return c == 'l' ? 'i' : c;
        }

        if (c is >= 'A' and <= 'Z')
        {
            return c == 'L' ? 'i' : (char)(c + 32);
        }

        if (c is >= '\u00C0' and <= '\u017F')
        {
            var folded = FoldFrom00C0[c - 0xC0];
            return folded == 'l' ? 'i' : folded;
        }

        return '\0';
    }

    private static char LookAlike(char c) => c switch
    {
        '0' => 'o',
        '1' or '!' or '|' => 'i',
        '3' => 'e',
        '4' or '@' => 'a',
        '5' or '$' => 's',
        '7' => 't',
        _ => '\0',
    };

    private static bool IsWordChar(char c) => Fold(c) != '\0' || LookAlike(c) != '\0' || char.IsAsciiDigit(c);

    /// <summary>Characters that vanish inside a word: apostrophes, soft hyphens, zero-width characters, combining accents.</summary>
    private static bool IsIgnorable(char c) =>
        c is '\'' or '\u2019' or '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or (>= '\u0300' and <= '\u036F');
}
