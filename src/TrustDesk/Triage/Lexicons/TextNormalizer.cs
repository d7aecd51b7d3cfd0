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

        // Pass 1: the letters of each word, folded, with the index of the character each came from.
        var letters = new char[text.Length];
        var sources = new int[text.Length];
        var wordStarts = new int[(text.Length / 2) + 2];
        var count = 0;
        var words = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (Classify(text[i]) is CharClass.Separator or CharClass.Ignorable)
            {
                i++;
                continue;
            }

            var start = i;
            var hasLetter = false;
            CharClass kind;
            while (i < text.Length && (kind = Classify(text[i])) != CharClass.Separator)
            {
                hasLetter |= kind == CharClass.Letter;
                i++;
            }

            if (!hasLetter)
            {
                continue; // a number, a lone symbol
            }

            var wordStart = count;
            for (var j = start; j < i; j++)
            {
                var c = text[j];
                var folded = Classify(c) switch
                {
                    CharClass.Letter or CharClass.LookAlike => Folded[c],
                    _ => '\0',
                };

                // ! and | stand for i only before a letter (k!ll), not as the punctuation that ends a word.
                if ((c is '!' or '|') && (j + 1 >= i || Classify(text[j + 1]) != CharClass.Letter))
                {
                    folded = '\0';
                }

                if (folded != '\0')
                {
                    letters[count] = folded;
                    sources[count] = j;
                    count++;
                }
            }

            if (count > wordStart)
            {
                wordStarts[words++] = wordStart;
            }
        }

        // Pass 2: words separated by single spaces; runs of three or more single letters (s u i c i d e) joined;
        // repeated letters collapsed, the surviving letter standing for the whole run of the original.
        var output = new char[count + words + 1];
        var starts = new int[output.Length];
        var ends = new int[output.Length];
        var length = 0;
        void Space()
        {
            output[length] = ' ';
            starts[length] = -1;
            ends[length] = -1;
            length++;
        }

        int End(int word) => word + 1 < words ? wordStarts[word + 1] : count;

        Space();
        var w = 0;
        while (w < words)
        {
            var run = w;
            while (run < words && End(run) - wordStarts[run] == 1)
            {
                run++;
            }

            var last = run - w >= 3 ? run : w + 1;
            var first = wordStarts[w];
            for (var k = first; k < End(last - 1); k++)
            {
                if (k > first && letters[k] == letters[k - 1])
                {
                    ends[length - 1] = sources[k];
                    continue;
                }

                output[length] = letters[k];
                starts[length] = sources[k];
                ends[length] = sources[k];
                length++;
            }

            Space();
            w = last;
        }

        return new NormalizedText(new string(output, 0, length), starts, ends);
    }

    private enum CharClass : byte
    {
        Separator,
        Letter,
        LookAlike,
        Digit,
        Ignorable,
    }

    private const int TableSize = 0x180;

    // What each character of ASCII, Latin-1 and Latin Extended-A is, and the letter it folds to: one array read per character.
    private static readonly CharClass[] Classes = BuildClasses();
    private static readonly char[] Folded = BuildFolded();

    private static CharClass Classify(char c) => c < TableSize
        ? Classes[c]
        : IsIgnorable(c) ? CharClass.Ignorable : CharClass.Separator;

    private static CharClass[] BuildClasses()
    {
        var classes = new CharClass[TableSize];
        for (var c = (char)0; c < TableSize; c++)
        {
            classes[c] = Fold(c) != '\0' ? CharClass.Letter
                : LookAlike(c) != '\0' ? CharClass.LookAlike
                : char.IsAsciiDigit(c) ? CharClass.Digit
                : IsIgnorable(c) ? CharClass.Ignorable
                : CharClass.Separator;
        }

        return classes;
    }

    private static char[] BuildFolded()
    {
        var folded = new char[TableSize];
        for (var c = (char)0; c < TableSize; c++)
        {
            folded[c] = Fold(c) is var letter and not '\0' ? letter : LookAlike(c);
        }

        return folded;
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

    /// <summary>Characters that vanish inside a word: apostrophes, soft hyphens, zero-width characters, combining accents.</summary>
    private static bool IsIgnorable(char c) =>
        c is '\'' or '\u2019' or '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or (>= '\u0300' and <= '\u036F');
}
