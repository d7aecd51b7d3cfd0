using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TrustDesk.Triage.Classifier;
using TrustDesk.Triage.Language;
using TrustDesk.Triage.Lexicons;

namespace TrustDesk.Triage;

/// <summary>
/// The state of one evaluation, passed to every compiled rule. It remembers each signal, link, event field and lexicon
/// answer, so 200 rules asking the same question cost one lookup. Compiled conditions call its members directly.
/// Hits read their values from it after the evaluation (<see cref="EndEvaluation"/>): by then every answer a hit
/// shows is remembered, and the context is no longer asked.
/// </summary>
internal sealed class TriageFrame
{
    private readonly CompiledRulePack _pack;
    private readonly double[] _signals;
    private readonly LinkPath?[] _links;
    private readonly bool[] _linksAsked;
    private readonly DataValue[] _data;
    private List<LexiconMatch>?[]? _textPhrases;
    private IReadOnlyList<LexiconMatch>?[]? _textMatches;
    private bool[]? _textScanned;
    private string? _lowerText;
    private TriageSuggestion? _suggestion;
    private ITriageContext? _context;

    public TriageFrame(CompiledRulePack pack, TriageInput input, ITriageContext context)
    {
        _pack = pack;
        Input = input;
        _context = context;
        Roles = new SubjectFacts?[pack.RoleNames.Count];
        // The item has a few roles, the vocabulary many: look up the item's.
        foreach (var (name, facts) in input.RoleMap)
        {
            if (pack.RoleIndex.TryGetValue(name, out var i))
            {
                Roles[i] = facts;
                PresentRoles |= 1UL << i;
            }
        }

        _signals = new double[pack.Slots.Signals.Count];
        Array.Fill(_signals, double.NaN);
        _links = new LinkPath?[pack.Slots.Links.Count];
        _linksAsked = new bool[_links.Length];
        _data = pack.Slots.DataPaths.Count == 0 ? [] : new DataValue[pack.Slots.DataPaths.Count];
    }

    public TriageInput Input { get; }

    /// <summary>
    /// The context answers only while rules run: hits read their values later, when intake may already have moved
    /// the context on to another item (a back-test reuses one), so a question not asked by then is a bug, not a lookup.
    /// </summary>
    private ITriageContext Context => _context
        ?? throw new InvalidOperationException("The evaluation is over: a hit's values must be read from what the evaluation asked.");

    /// <summary>Called once the rules have run: from here on the frame only answers from what it remembers.</summary>
    public void EndEvaluation() => _context = null;

    /// <summary>Subjects by role index; rules run only when every role they read is here.</summary>
    public SubjectFacts?[] Roles { get; }

    public ulong PresentRoles { get; }

    /// <summary>The user's own words (<see cref="OwnWords"/>): quoted history, signatures and disclaimers are not read by rules.</summary>
    public string Text => Input.OwnText;

    /// <summary>The own words without identifiers: what lexicons scan (an order number's "1488" is not a hate symbol).</summary>
    public string ScanText => Input.ScanText;

    /// <summary>The classifier's suggestion for the text, asked once (or given by the caller, who classified off the writer's thread).</summary>
    public TriageSuggestion Suggestion => _suggestion ??= Input.Suggested
        ?? (_pack.Classifier is { } model && Input.Text.Length > 0 && !AuthorIsAgent ? model.Classify(Input.ScanText) : TriageSuggestion.None);

    public string? SuggestedCategory => Suggestion.Category;

    public double SuggestedConfidence => Suggestion.Confidence;

    public double SuggestedCrisis => Suggestion.Crisis;

    public string? Language => Suggestion.Language;

    private bool AuthorIsAgent => Input.RoleMap.TryGetValue("author", out var author) && author.IsAgent;

    public string? Category => Input.Category;

    public string? Reason => Input.Reason;

    public string Trigger => Input.Trigger;

    public string? EventType => Input.EventType;

    public SubjectFacts Role(int index) => Roles[index]!;

    public double Signal(int slot)
    {
        var value = _signals[slot];
        if (!double.IsNaN(value))
        {
            return value;
        }

        var signal = _pack.Slots.Signals[slot];
        var subject = Roles[signal.Role]!.Handle;
        value = signal.Kind switch
        {
            SignalKind.Count => Context.Count(signal.Type, subject, signal.CountRole, signal.Window),
            SignalKind.Distinct => Context.Distinct(signal.Type, subject, signal.Window),
            _ => Rate(signal, subject),
        };
        _signals[slot] = value;
        return value;
    }

    private double Rate(SignalSlot signal, SubjectHandle subject)
    {
        var denominator = Context.Count(signal.BaseType!, subject, signal.CountRole, signal.Window);
        return denominator == 0 ? 0 : (double)Context.Count(signal.Type, subject, signal.CountRole, signal.Window) / denominator;
    }

    public bool Linked(int slot) => Link(slot) is not null;

    public LinkPath? Link(int slot)
    {
        if (_linksAsked[slot])
        {
            return _links[slot];
        }

        var link = _pack.Slots.Links[slot];
        var from = Roles[link.From]!.Handle;
        LinkPath? path;
        if (link.To < 0)
        {
            path = Context.FindLinkToBanned(from, link.Hops);
        }
        else
        {
            var to = Roles[link.To]!.Handle;
            path = from == to ? null : Context.FindLink(from, to, link.Hops);
        }

        _links[slot] = path;
        _linksAsked[slot] = true;
        return path;
    }

    /// <summary>Seconds since the subject was created on the platform; NaN (which compares false) when unknown.</summary>
    public double Age(SubjectFacts subject) =>
        subject.CreatedAt is { } created ? (Input.At - created).TotalSeconds : double.NaN;

    public static bool SameSubject(SubjectFacts a, SubjectFacts b) => a.Handle == b.Handle;

    /// <summary>
    /// Entries of lexicon <paramref name="lexicon"/> in the item's own text: the phrases of all lexicons in one scan,
    /// each lexicon's patterns when a rule first asks about it; remembered, however many rules ask.
    /// </summary>
    public IReadOnlyList<LexiconMatch>? TextMatches(int lexicon)
    {
        if (_textScanned is { } scanned && scanned[lexicon])
        {
            return _textMatches![lexicon];
        }

        if (Input.Scanned is { } scan && ReferenceEquals(scan.Catalog, _pack.Lexicons) && ReferenceEquals(scan.Text, ScanText))
        {
            return scan.Matches[lexicon];
        }

        _textPhrases ??= _pack.Lexicons.ScanPhrases(ScanText);
        _textMatches ??= new IReadOnlyList<LexiconMatch>?[_textPhrases.Length];
        _textScanned ??= new bool[_textPhrases.Length];
        var phrases = _textPhrases[lexicon];
        var patterns = _pack.Lexicons.HasPatterns(lexicon) ? _pack.Lexicons.ScanPatterns(lexicon, ScanText) : null;
        _textMatches[lexicon] = phrases is null ? patterns : patterns is null ? phrases : [.. phrases, .. patterns];
        _textScanned[lexicon] = true;
        return _textMatches[lexicon];
    }

    public bool TextMatchesLexicon(int lexicon) => TextMatches(lexicon) is { Count: > 0 };

    /// <summary>Lexicon matches in a text other than the item's own (an event field).</summary>
    public IReadOnlyList<LexiconMatch>? Matches(string? text, int lexicon)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        List<LexiconMatch> all = [.. _pack.Lexicons.ScanPhrases(text)[lexicon] ?? [], .. _pack.Lexicons.ScanPatterns(lexicon, text) ?? []];
        return all.Count > 0 ? all : null;
    }

    public bool MatchesLexicon(string? text, int lexicon) => Matches(text, lexicon) is not null;

    public static bool MatchesRegex(string? text, Regex pattern) => text is not null && pattern.IsMatch(text);

    /// <summary>What a regex matched, for the hit record; null when it did not.</summary>
    public static string? RegexMatch(string? text, Regex pattern) =>
        text is not null && pattern.Match(text) is { Success: true } match ? match.Value : null;

    /// <summary><c>contains(text, "part")</c>: the item's text is lower-cased once, so each rule's search is ordinal.</summary>
    public bool TextContains(string lowerCasePart) => (_lowerText ??= LowerCase(Text)).Contains(lowerCasePart, StringComparison.Ordinal);

    /// <summary><see cref="string.ToLowerInvariant()"/>, vectorised when the text is ASCII (most are), where both give the same.</summary>
    private static string LowerCase(string text) =>
        System.Text.Ascii.IsValid(text)
            ? string.Create(text.Length, text, static (lower, source) => System.Text.Ascii.ToLower(source, lower, out _))
            : text.ToLowerInvariant();

    public static bool ContainsText(string? haystack, string? needle) =>
        haystack is not null && needle is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);

    /// <summary>A number field of the event; NaN (which compares false) when missing or not a number. Parsed once per item.</summary>
    public double DataNumber(int slot)
    {
        ref var data = ref _data[slot];
        if ((data.Read & DataValue.NumberRead) == 0)
        {
            data.Number = Data(slot) is { } value ? value.ValueKind switch
            {
                JsonValueKind.Number => value.GetDouble(),
                JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => double.NaN,
            }
            : double.NaN;
            data.Read |= DataValue.NumberRead;
        }

        return data.Number;
    }

    /// <summary>A field of the event as text; null when missing or not a scalar. Read once per item.</summary>
    public string? DataString(int slot)
    {
        ref var data = ref _data[slot];
        if ((data.Read & DataValue.StringRead) == 0)
        {
            data.String = Data(slot) is { } value ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            }
            : null;
            data.Read |= DataValue.StringRead;
        }

        return data.String;
    }

    public bool DataBool(int slot)
    {
        ref var data = ref _data[slot];
        if ((data.Read & DataValue.BoolRead) == 0)
        {
            data.Bool = Data(slot) is { ValueKind: JsonValueKind.True };
            data.Read |= DataValue.BoolRead;
        }

        return data.Bool;
    }

    private JsonElement? Data(int slot)
    {
        ref var data = ref _data[slot];
        if ((data.Read & DataValue.ElementRead) != 0)
        {
            return data.Element;
        }

        JsonElement? found = null;
        if (Input.EventData is { } current)
        {
            found = current;
            foreach (var name in _pack.Slots.DataPaths[slot])
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                {
                    found = null;
                    break;
                }

                found = current;
            }
        }

        data.Element = found;
        data.Read |= DataValue.ElementRead;
        return found;
    }

    /// <summary>
    /// One event field, found once and converted once per way rules read it. Hits read the converted values after the
    /// evaluation, when the caller may have disposed the JSON document the element points into.
    /// </summary>
    private struct DataValue
    {
        public const byte ElementRead = 1;
        public const byte NumberRead = 2;
        public const byte StringRead = 4;
        public const byte BoolRead = 8;

        public JsonElement? Element;
        public double Number;
        public string? String;
        public bool Bool;
        public byte Read;
    }
}
