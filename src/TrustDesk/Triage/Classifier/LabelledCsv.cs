using System.Globalization;
using System.Text;
using TrustDesk.Taxonomy;

namespace TrustDesk.Triage.Classifier;

/// <summary>
/// A Lead's own labelled texts, to score the desk on before trusting it: CSV (RFC 4180: quoted fields may hold commas,
/// quotes doubled, line breaks), UTF-8, a header row naming the columns <c>text</c> and <c>category</c> (a taxonomy
/// code, or <c>none</c> / empty for a text that should file nothing) and optionally <c>severity</c> (S1–S4; empty: the
/// category's default) and <c>language</c> (en, es…; empty: detected). Other columns are ignored. A semicolon or tab
/// separated file is read as well when its header has no comma.
/// </summary>
public static class LabelledCsv
{
    /// <summary>Bounded so one upload cannot hold a server core for long: about 5,000 texts score in well under a second.</summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    public const int MaxRows = 5000;
    public const int MaxTextLength = 5000;

    /// <summary>A file with many bad rows lists this many; the rest are counted.</summary>
    public const int MaxErrorsListed = 50;

    public const string MediaType = "text/csv";

    public sealed record Parsed(IReadOnlyList<CorpusRow> Rows, IReadOnlyDictionary<string, string[]> Errors)
    {
        public bool IsValid => Errors.Count == 0;
    }

    /// <param name="data">The file as uploaded.</param>
    /// <param name="categories">The taxonomy in force: each code with its default severity.</param>
    /// <param name="languages">Detects a row's language when the file gives none.</param>
    public static Parsed Parse(ReadOnlySpan<byte> data, IReadOnlyDictionary<string, Severity> categories, LanguageDetector languages)
    {
        var errors = new Errors();
        if (data.Length > MaxBytes)
        {
            errors.Add("body", $"At most {MaxBytes} bytes (got {data.Length}).");
            return errors.ToParsed([]);
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(data);
        }
        catch (DecoderFallbackException)
        {
            errors.Add("body", "Not UTF-8 text: save the file as CSV UTF-8.");
            return errors.ToParsed([]);
        }

        text = text.TrimStart('\uFEFF');
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add("body", "Empty: send a header row (text,category,severity) and one row per text.");
            return errors.ToParsed([]);
        }

        var firstLine = text.AsSpan(0, text.IndexOfAny(['\r', '\n']) is var end and >= 0 ? end : text.Length);
        var separator = firstLine.Contains(',') ? ',' : firstLine.Contains(';') ? ';' : firstLine.Contains('\t') ? '\t' : ',';
        var (records, unterminatedAt) = Records(text, separator);
        if (unterminatedAt is { } opened)
        {
            errors.Add("body", $"A quoted field opened in row {opened} (the header is row 0) is never closed.");
            return errors.ToParsed([]);
        }

        var header = records[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Column(string name) => header.IndexOf(name);
        var (textColumn, categoryColumn, severityColumn, languageColumn) = (Column("text"), Column("category"), Column("severity"), Column("language"));
        if (textColumn < 0)
        {
            errors.Add("header", "No \"text\" column: the first row names the columns (text,category,severity).");
        }

        if (categoryColumn < 0)
        {
            errors.Add("header", "No \"category\" column: the expected taxonomy code of each text, or none.");
        }

        if (errors.Any)
        {
            return errors.ToParsed([]);
        }

        var lines = records.Skip(1).Select((fields, i) => (Fields: fields, Row: i + 1)).Where(r => r.Fields.Any(f => f.Length > 0)).ToList();
        if (lines.Count == 0)
        {
            errors.Add("body", "No rows under the header.");
            return errors.ToParsed([]);
        }

        if (lines.Count > MaxRows)
        {
            errors.Add("body", $"At most {MaxRows} rows (got {lines.Count}); split the file.");
            return errors.ToParsed([]);
        }

        var rows = new List<CorpusRow>(lines.Count);
        foreach (var (fields, row) in lines)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"rows[{row}]");
            if (fields.Count != header.Count)
            {
                errors.Add(at, $"{fields.Count} fields where the header has {header.Count}.");
                continue;
            }

            var body = fields[textColumn].Trim();
            if (body.Length == 0)
            {
                errors.Add(at + ".text", "Required.");
            }
            else if (body.Length > MaxTextLength)
            {
                errors.Add(at + ".text", $"At most {MaxTextLength} characters (got {body.Length}).");
            }

            var code = fields[categoryColumn].Trim();
            Severity? categorySeverity = null;
            if (code.Length == 0 || code.Equals(TriageModel.NoCategory, StringComparison.OrdinalIgnoreCase))
            {
                code = TriageModel.NoCategory;
            }
            else if (categories.TryGetValue(code, out var known))
            {
                categorySeverity = known;
            }
            else
            {
                errors.Add(at + ".category", $"Unknown category \"{Excerpt(code)}\": a taxonomy code (such as order.not_received) or none.");
            }

            var severity = categorySeverity;
            if (severityColumn >= 0 && fields[severityColumn].Trim() is { Length: > 0 } given)
            {
                severity = TriageCorpus.ParseSeverity(given.ToUpperInvariant());
                if (severity is null)
                {
                    errors.Add(at + ".severity", $"\"{Excerpt(given)}\" is not a severity: S1, S2, S3, S4 or empty (the category's default).");
                }
            }

            var language = languageColumn >= 0 ? fields[languageColumn].Trim().ToLowerInvariant() : "";
            if (language.Length > 0 && (language.Length is < 2 or > 8 || !language.All(c => c is >= 'a' and <= 'z' or '-')))
            {
                errors.Add(at + ".language", $"\"{Excerpt(language)}\" is not a language code (en, es, pt, fr…).");
            }

            if (language.Length == 0)
            {
                language = body.Length == 0 ? "?" : languages.Detect(body) ?? "?";
            }

            rows.Add(new CorpusRow(body, code, severity, language, "upload", "upload", "test"));
        }

        return errors.ToParsed(rows);
    }

    /// <summary>Every record's fields (the header first), and the record where a quoted field never closes.</summary>
    private static (List<List<string>> Records, int? UnterminatedAt) Records(string text, char separator)
    {
        var records = new List<List<string>>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var quoteOpenedIn = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
                quoteOpenedIn = records.Count;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                records.Add(fields);
                fields = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            return (records, quoteOpenedIn);
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(fields);
        }

        return (records, null);
    }

    private static string Excerpt(string value) => value.Length <= 40 ? value : value[..40] + "…";

    /// <summary>Errors keyed by where they are (<c>rows[3].category</c>), at most <see cref="MaxErrorsListed"/>.</summary>
    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
        private int _total;

        public bool Any => _total > 0;

        public void Add(string at, string message)
        {
            _total++;
            if (_errors.Count >= MaxErrorsListed && !_errors.ContainsKey(at))
            {
                return;
            }

            if (!_errors.TryGetValue(at, out var list))
            {
                _errors[at] = list = [];
            }

            list.Add(message);
        }

        public Parsed ToParsed(IReadOnlyList<CorpusRow> rows)
        {
            var result = _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
            var listed = result.Values.Sum(v => v.Length);
            if (_total > listed)
            {
                result["more"] = [string.Create(CultureInfo.InvariantCulture, $"{_total - listed} more errors not listed.")];
            }

            return new Parsed(_total == 0 ? rows : [], result);
        }
    }
}
