using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TrustDesk.Triage.Language;
using TrustDesk.Triage.Lexicons;

namespace TrustDesk.Triage;

/// <summary>
/// The state of one evaluation, passed to every compiled rule. It remembers each signal, link and lexicon answer, so
/// 200 rules asking the same question cost one lookup. Compiled conditions call its members directly.
/// </summary>
internal sealed class TriageFrame
{
    private readonly CompiledRulePack _pack;
    private readonly double[] _signals;
    private readonly LinkPath?[] _links;
    private readonly bool[] _linksAsked;
    private readonly JsonElement?[] _data;
    private readonly bool[] _dataRead;
    private List<LexiconMatch>?[]? _textPhrases;
    private List<LexiconMatch>?[]? _textPatterns;
    private bool[]? _textPatternsScanned;
    private string? _lowerText;

    public TriageFrame(CompiledRulePack pack, TriageInput input, ITriageContext context)
    {
        _pack = pack;
        Input = input;
        Context = context;
        Roles = new SubjectFacts?[pack.RoleNames.Count];
        for (var i = 0; i < Roles.Length; i++)
        {
            if (input.Roles.TryGetValue(pack.RoleNames[i], out var facts))
            {
                Roles[i] = facts;
                PresentRoles |= 1UL << i;
            }
        }

        _signals = new double[pack.Slots.Signals.Count];
        Array.Fill(_signals, double.NaN);
        _links = new LinkPath?[pack.Slots.Links.Count];
        _linksAsked = new bool[_links.Length];
        _data = new JsonElement?[pack.Slots.DataPaths.Count];
        _dataRead = new bool[_data.Length];
    }

    public TriageInput Input { get; }

    public ITriageContext Context { get; }

    /// <summary>Subjects by role index; rules run only when every role they read is here.</summary>
    public SubjectFacts?[] Roles { get; }

    public ulong PresentRoles { get; }

    public string Text => Input.Text;

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

    /// <summary>Entries of lexicon <paramref name="lexicon"/> in the item's own text, scanned once for all lexicons.</summary>
    public IReadOnlyList<LexiconMatch>? TextMatches(int lexicon)
    {
        _textPhrases ??= _pack.Lexicons.ScanPhrases(Text);
        if (!_pack.Lexicons.HasPatterns(lexicon))
        {
            return _textPhrases[lexicon];
        }

        _textPatterns ??= new List<LexiconMatch>?[_textPhrases.Length];
        _textPatternsScanned ??= new bool[_textPhrases.Length];
        if (!_textPatternsScanned[lexicon])
        {
            _textPatterns[lexicon] = _pack.Lexicons.ScanPatterns(lexicon, Text);
            _textPatternsScanned[lexicon] = true;
        }

        var phrases = _textPhrases[lexicon];
        var patterns = _textPatterns[lexicon];
        return phrases is null ? patterns : patterns is null ? phrases : [.. phrases, .. patterns];
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
    public bool TextContains(string lowerCasePart) => (_lowerText ??= Text.ToLowerInvariant()).Contains(lowerCasePart, StringComparison.Ordinal);

    public static bool ContainsText(string? haystack, string? needle) =>
        haystack is not null && needle is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);

    /// <summary>A number field of the event; NaN (which compares false) when missing or not a number.</summary>
    public double DataNumber(int slot)
    {
        if (Data(slot) is not { } value)
        {
            return double.NaN;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => double.NaN,
        };
    }

    public string? DataString(int slot) =>
        Data(slot) is { } value ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        }
        : null;

    public bool DataBool(int slot) => Data(slot) is { ValueKind: JsonValueKind.True };

    private JsonElement? Data(int slot)
    {
        if (_dataRead[slot])
        {
            return _data[slot];
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

        _data[slot] = found;
        _dataRead[slot] = true;
        return found;
    }
}
