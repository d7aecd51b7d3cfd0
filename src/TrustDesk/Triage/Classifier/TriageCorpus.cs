using TrustDesk.Taxonomy;

namespace TrustDesk.Triage.Classifier;

/// <summary>One labelled text of the corpus. <see cref="Category"/> is <see cref="TriageModel.NoCategory"/> for ordinary text and hard negatives.</summary>
public sealed record CorpusRow(string Text, string Category, Severity? Severity, string Language, string Family, string Register, string Split)
{
    public bool IsHardNegative => Family.StartsWith("none-hardneg", StringComparison.Ordinal);
}

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

    /// <summary>Ham (ordinary support mail, one message a row, newlines escaped as <c>\n</c>).</summary>
    public static IReadOnlyList<string> Ham(string directory) =>
        File.ReadAllLines(Path.Combine(directory, "ham.tsv")).Skip(1).Where(l => l.Length > 0).Select(Unescape).ToList();

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
