using TrustDesk.Taxonomy;

namespace TrustDesk.Triage.Classifier;

/// <summary>One labelled text of the corpus. <see cref="Category"/> is <see cref="TriageModel.NoCategory"/> for ordinary text and hard negatives.</summary>
public sealed record CorpusRow(string Text, string Category, Severity? Severity, string Language, string Family, string Register, string Split)
{
    public bool IsHardNegative => Family.StartsWith("none-hardneg", StringComparison.Ordinal);
}

/// <summary>An ordinary text (ham or generic): no category; <see cref="Family"/> groups texts written alike, <see cref="Split"/> is "train" or "test".</summary>
public sealed record OrdinaryText(string Text, string Language, string Family, string Split);

/// <summary>
/// The labelled corpus in <c>src/TrustDesk/Triage/Classifier/corpus/</c>: <c>train.tsv</c> and <c>test.tsv</c> written by
/// <c>generate.py</c>, and <c>handwritten.tsv</c> (rows written by hand, each with its split). The test rows are the
/// held-out split: training never reads them.
/// </summary>
public static class TriageCorpus
{
    public const string RelativeDirectory = "src/TrustDesk/Triage/Classifier/corpus";

    /// <summary>The corpus directory: the given one, or the one in the repository that holds the working directory or the executable.</summary>
    public static string FindDirectory(string? given = null)
    {
        if (given is not null)
        {
            return Directory.Exists(given) ? given : throw new DirectoryNotFoundException($"No corpus directory at {given}.");
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RelativeDirectory);
                if (File.Exists(Path.Combine(candidate, "train.tsv")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"No corpus found: run from the repository or pass --corpus ({RelativeDirectory}).");
    }

    public static IReadOnlyList<CorpusRow> Train(string directory) => Load(directory).Where(r => r.Split == "train").ToList();

    public static IReadOnlyList<CorpusRow> Test(string directory) => Load(directory).Where(r => r.Split == "test").ToList();

    public static IReadOnlyList<CorpusRow> Load(string directory)
    {
        var rows = new List<CorpusRow>();
        foreach (var name in new[] { "train.tsv", "test.tsv", "handwritten.tsv" })
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                rows.AddRange(Read(path));
            }
        }

        return rows;
    }

    public static IEnumerable<CorpusRow> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{path}: no column \"{name}\".");
        var (text, category, severity, language, family, register, split) =
            (Column("text"), Column("category"), Column("severity"), Column("language"), Column("family"), Column("register"), Column("split"));
        for (var n = 1; n < lines.Length; n++)
        {
            if (lines[n].Length == 0 || lines[n][0] == '#')
            {
                continue;
            }

            var f = lines[n].Split('\t');
            if (f.Length != header.Length)
            {
                throw new InvalidDataException($"{path}:{n + 1}: expected {header.Length} columns, found {f.Length}.");
            }

            yield return new CorpusRow(f[text], f[category], ParseSeverity(f[severity]), f[language], f[family], f[register], f[split]);
        }
    }

    /// <summary>
    /// Ham (<c>ham.tsv</c>): ordinary support mail, one message a row (newlines escaped as <c>\n</c>), with signatures,
    /// quoted replies, disclaimers, order and tracking numbers. Each body is a family; the "test" rows are held out.
    /// </summary>
    public static IReadOnlyList<OrdinaryText> Ham(string directory) => ReadOrdinary(Path.Combine(directory, "ham.tsv"), "ham");

    /// <summary>
    /// Short generic texts that name no problem ("Report.", "see attached", "hi"; <c>generic.tsv</c>). The "train" rows
    /// are negatives for training; the "test" rows are held out and must never become S1.
    /// </summary>
    public static IReadOnlyList<OrdinaryText> Generic(string directory) => ReadOrdinary(Path.Combine(directory, "generic.tsv"), "generic");

    /// <summary>The ordinary texts of the training split (ham and generic) as corpus rows of category <see cref="TriageModel.NoCategory"/>.</summary>
    public static IReadOnlyList<CorpusRow> OrdinaryTraining(string directory) =>
        [.. Ham(directory).Concat(Generic(directory)).Where(t => t.Split == "train")
            .Select(t => new CorpusRow(t.Text, TriageModel.NoCategory, null, t.Language, t.Family, "ordinary", "train"))];

    private static List<OrdinaryText> ReadOrdinary(string path, string kind)
    {
        var rows = new List<OrdinaryText>();
        if (!File.Exists(path))
        {
            return rows;
        }

        var lines = File.ReadAllLines(path);
        var header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name);
        var (text, language, family, split) = (Column("text"), Column("language"), Column("family"), Column("split"));
        for (var n = 1; n < lines.Length; n++)
        {
            if (lines[n].Length == 0 || lines[n][0] == '#')
            {
                continue;
            }

            var f = lines[n].Split('\t');
            if (f.Length != header.Length)
            {
                throw new InvalidDataException($"{path}:{n + 1}: expected {header.Length} columns, found {f.Length}.");
            }

            rows.Add(new OrdinaryText(
                Unescape(f[text]), language < 0 ? "en" : f[language], family < 0 ? $"{kind}/{(language < 0 ? "en" : f[language])}/{n}" : f[family],
                split < 0 ? "test" : f[split]));
        }

        return rows;
    }

    private static string Unescape(string line)
    {
        var builder = new System.Text.StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                builder.Append(line[++i] == 'n' ? '\n' : line[i]);
            }
            else
            {
                builder.Append(line[i]);
            }
        }

        return builder.ToString();
    }

    public static Severity? ParseSeverity(string text) => text switch
    {
        "S1" => Severity.S1,
        "S2" => Severity.S2,
        "S3" => Severity.S3,
        "S4" => Severity.S4,
        _ => null,
    };
}
