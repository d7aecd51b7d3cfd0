using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;

namespace TrustDesk.Triage.Lexicons;

/// <summary>A lexicon entry found in a text: the entry as the lexicon lists it and the words as the user wrote them.</summary>
public sealed record LexiconMatch(string Lexicon, string Entry, string Written)
{
    public override string ToString() =>
        string.Equals(Entry, Written, StringComparison.OrdinalIgnoreCase) ? $"\"{Entry}\"" : $"\"{Entry}\" (written \"{Written}\")";
}

/// <summary>A lexicon file that could not be read, with the line at fault.</summary>
/// <summary>
/// A text scanned against every lexicon of one catalog, ahead of triage: intake scans a report's text on the request's
/// thread, in parallel with other requests, rather than in the single writer that runs the rules.
/// </summary>
public sealed record TextScan(LexiconCatalog Catalog, string Text, IReadOnlyList<LexiconMatch>?[] Matches);

public sealed class LexiconFormatException : Exception
{
    public LexiconFormatException()
    {
    }

    public LexiconFormatException(string message)
        : base(message)
    {
    }

    public LexiconFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Named word lists (<c>self_harm</c>, <c>threats</c>, <c>scam</c>, <c>hate</c>...) compiled together: every phrase of
/// every lexicon goes into one <see cref="PhraseMatcher"/>, so a text is scanned once however many lexicons rules use.
/// File format, one entry a line: a phrase, matched on whole words after <see cref="TextNormalizer"/>; a <c>*</c> at
/// either end lets the word there run on (<c>suicid*</c> matches suicidal); <c>/pattern/</c> is a regular expression
/// matched case-insensitively on the raw text (for phone numbers and handles, which normalising would erase);
/// <c>#</c> starts a comment.
/// </summary>
public sealed class LexiconCatalog
{
    public static readonly string[] DefaultNames = ["self_harm", "threats", "scam", "hate"];

    private static readonly Lazy<LexiconCatalog> DefaultCatalog = new(LoadDefault);

    private readonly Dictionary<string, int> _indexByName;
    private readonly PhraseMatcher _phrases;
    private readonly (int Lexicon, string Entry)[] _phraseEntries;
    private readonly (Regex Pattern, string Entry)[][] _patterns;

    // Per lexicon, all its patterns as one alternation: one pass over the text says whether any matches.
    private readonly Regex?[] _anyPattern;

    private LexiconCatalog(List<string> names, List<(int Lexicon, string Entry, string Pattern)> phrases, List<(Regex Pattern, string Entry)>[] patterns)
    {
        Names = names;
        _indexByName = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        _phrases = new PhraseMatcher(phrases.Select(p => p.Pattern).ToList());
        _phraseEntries = phrases.Select(p => (p.Lexicon, p.Entry)).ToArray();
        _patterns = patterns.Select(p => p.ToArray()).ToArray();
        _anyPattern = patterns
            .Select(p => p.Count == 0 ? null : new Regex(string.Join('|', p.Select(x => "(?:" + x.Pattern + ")")), PatternOptions))
            .ToArray();
    }

    private const RegexOptions PatternOptions = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    /// <summary>The lexicons shipped with TrustDesk (embedded from <c>Triage/Lexicons/*.txt</c>).</summary>
    public static LexiconCatalog Default => DefaultCatalog.Value;

    public IReadOnlyList<string> Names { get; }

    public int IndexOf(string name) => _indexByName.GetValueOrDefault(name, -1);

    /// <summary>Builds a catalogue from (name, file text) pairs; operators load their own lists this way.</summary>
    public static LexiconCatalog Load(IEnumerable<(string Name, string Text)> lexicons)
    {
        var names = new List<string>();
        var phrases = new List<(int, string, string)>();
        var patterns = new List<List<(Regex, string)>>();
        foreach (var (name, text) in lexicons)
        {
            if (names.Contains(name))
            {
                throw new LexiconFormatException($"lexicon \"{name}\" is given twice");
            }

            var index = names.Count;
            names.Add(name);
            patterns.Add([]);
            var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            for (var n = 0; n < lines.Length; n++)
            {
                var entry = lines[n].Trim();
                if (entry.Length == 0 || entry[0] == '#')
                {
                    continue;
                }

                if (entry.Length > 2 && entry[0] == '/' && entry[^1] == '/')
                {
                    try
                    {
                        patterns[index].Add((new Regex(entry[1..^1], PatternOptions), entry));
                    }
                    catch (Exception e) when (e is ArgumentException or NotSupportedException)
                    {
                        throw new LexiconFormatException($"lexicon \"{name}\", line {n + 1}: {e.Message}", e);
                    }

                    continue;
                }

                var prefix = entry.EndsWith('*');
                var suffix = entry.StartsWith('*');
                var normalized = TextNormalizer.Normalize(entry.Trim('*')).Trim();
                if (normalized.Length == 0)
                {
                    throw new LexiconFormatException($"lexicon \"{name}\", line {n + 1}: \"{entry}\" has no letters left once normalised");
                }

                var pattern = (suffix ? "" : " ") + normalized + (prefix ? "" : " ");
                phrases.Add((index, entry, pattern));
                if (normalized.Contains(' ', StringComparison.Ordinal))
                {
                    // The phrase written as one word: spaced-out letters join into one (k i l l m y s e l f), and so do hashtags.
                    var joined = TextNormalizer.Normalize(entry.Trim('*').Replace(" ", "", StringComparison.Ordinal)).Trim();
                    phrases.Add((index, entry, (suffix ? "" : " ") + joined + (prefix ? "" : " ")));
                }
            }
        }

        return new LexiconCatalog(names, phrases, [.. patterns]);
    }

    /// <summary>Loads every <c>*.txt</c> of a folder; the file name is the lexicon's name.</summary>
    public static LexiconCatalog LoadDirectory(string directory) =>
        Load(Directory.EnumerateFiles(directory, "*.txt")
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileNameWithoutExtension(f), File.ReadAllText(f))));

    /// <summary>Every phrase of every lexicon found in <paramref name="text"/>, by lexicon index (patterns are not run here).</summary>
    internal List<LexiconMatch>?[] ScanPhrases(string text)
    {
        var result = new List<LexiconMatch>?[Names.Count];
        if (text.Length == 0)
        {
            return result;
        }

        var normalized = TextNormalizer.NormalizeWithMap(text);
        _phrases.FindAll(normalized.Text, (pattern, start) =>
        {
            var (lexicon, entry) = _phraseEntries[pattern];
            var list = result[lexicon] ??= [];
            if (list.TrueForAll(m => m.Entry != entry))
            {
                var length = _phrases.PatternLength(pattern);
                list.Add(new LexiconMatch(Names[lexicon], entry, normalized.Original(text, start, length).Trim()));
            }
        });
        return result;
    }

    /// <summary>The matches of one lexicon's patterns in <paramref name="text"/>.</summary>
    internal List<LexiconMatch>? ScanPatterns(int lexicon, string text)
    {
        if (_anyPattern[lexicon] is not { } any || !any.IsMatch(text))
        {
            return null;
        }

        List<LexiconMatch>? result = null;
        foreach (var (pattern, entry) in _patterns[lexicon])
        {
            var match = pattern.Match(text);
            if (match.Success)
            {
                (result ??= []).Add(new LexiconMatch(Names[lexicon], entry, match.Value));
            }
        }

        return result;
    }

    internal bool HasPatterns(int lexicon) => _patterns[lexicon].Length > 0;

    /// <summary>Every lexicon's matches in the text, phrases and patterns, by lexicon index: what triage will ask of it.</summary>
    public TextScan Scan(string text)
    {
        var phrases = ScanPhrases(text);
        var matches = new IReadOnlyList<LexiconMatch>?[Names.Count];
        for (var i = 0; i < matches.Length; i++)
        {
            var patterns = HasPatterns(i) ? ScanPatterns(i, text) : null;
            matches[i] = phrases[i] is null ? patterns : patterns is null ? phrases[i] : [.. phrases[i]!, .. patterns];
        }

        return new TextScan(this, text, matches);
    }

    /// <summary>Every lexicon's matches in the text, from one pass of the phrase automaton; lexicons without a match are left out.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LexiconMatch>> MatchAll(string text)
    {
        var phrases = ScanPhrases(text);
        var result = new Dictionary<string, IReadOnlyList<LexiconMatch>>(StringComparer.Ordinal);
        for (var i = 0; i < Names.Count; i++)
        {
            List<LexiconMatch> all = [.. phrases[i] ?? [], .. ScanPatterns(i, text) ?? []];
            if (all.Count > 0)
            {
                result[Names[i]] = all;
            }
        }

        return result;
    }

    /// <summary>Every entry of the lexicon found in the text, phrases and patterns.</summary>
    public IReadOnlyList<LexiconMatch> Match(string lexicon, string text)
    {
        var index = IndexOf(lexicon);
        if (index < 0)
        {
            throw new ArgumentException($"No lexicon \"{lexicon}\"; there are {string.Join(", ", Names)}.", nameof(lexicon));
        }

        return [.. ScanPhrases(text)[index] ?? [], .. ScanPatterns(index, text) ?? []];
    }

    private static LexiconCatalog LoadDefault()
    {
        var resources = new ResourceManager("TrustDesk.Triage.TriageData", typeof(LexiconCatalog).Assembly);
        return Load(DefaultNames.Select(name =>
            (name, resources.GetString("lexicon." + name, CultureInfo.InvariantCulture)
                ?? throw new InvalidOperationException($"The {name} lexicon is not embedded in the assembly."))));
    }
}
