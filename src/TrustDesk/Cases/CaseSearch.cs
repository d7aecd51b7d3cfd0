using System.Text;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Contacts;
using TrustDesk.Data;

namespace TrustDesk.Cases;

/// <summary>
/// Full-text search over case titles and message text: FTS5 on SQLite (in its own file, <see cref="SqliteSearchIndex"/>),
/// tsvector expression indexes on PostgreSQL.
/// Both take the user's words as plain words (no query syntax), all of which must match; the last one may be a prefix.
/// </summary>
public static class CaseSearch
{
    public const int QueryMaxLength = 200;

    /// <summary>The cases matching the words. On SQLite the full-text index lives in a file of its own (<paramref name="sqliteIndex"/>).</summary>
    public static async Task<IQueryable<Case>> MatchingAsync(
        TrustDeskDb db, IQueryable<Case> cases, string query, SqliteSearchIndex? sqliteIndex, CancellationToken cancellationToken)
    {
        if (Case.TryParseNumber(query.Trim(), out var number))
        {
            return cases.Where(c => c.Id == number);
        }

        // An email address also finds the cases that person wrote in (their requester), whatever the messages say.
        var email = RequesterEmail(query);
        if (db.Database.IsNpgsql())
        {
            var tsQuery = ToPostgresQuery(query);
            if (tsQuery.Length == 0 && email is null)
            {
                return cases.Where(c => false);
            }

            return cases.Where(c =>
                (email != null && db.Set<Contact>().Any(k => k.Id == c.RequesterId && k.Email == email))
                || (tsQuery != "" && (EF.Functions.ToTsVector(PostgresTrustDeskDb.TextSearchConfig, c.Title).Matches(EF.Functions.ToTsQuery(PostgresTrustDeskDb.TextSearchConfig, tsQuery))
                    || db.Set<Message>().Any(m => m.CaseId == c.Id
                        && EF.Functions.ToTsVector(PostgresTrustDeskDb.TextSearchConfig, m.Text).Matches(EF.Functions.ToTsQuery(PostgresTrustDeskDb.TextSearchConfig, tsQuery))))));
        }

        var ftsQuery = ToFts5Query(query);
        if (ftsQuery.Length == 0 && email is null)
        {
            return cases.Where(c => false);
        }

        var index = sqliteIndex ?? throw new InvalidOperationException("SQLite search needs the SqliteSearchIndex service (registered by AddData).");
        // The matching ids go in as one array parameter; the filters, access rules and paging still run in the database.
        var ids = ftsQuery.Length == 0 ? [] : await index.MatchAsync(ftsQuery, cancellationToken);
        return cases.Where(c => EF.Parameter(ids).Contains(c.Id) || (email != null && db.Set<Contact>().Any(k => k.Id == c.RequesterId && k.Email == email)));
    }

    /// <summary>The query as a requester's email (contacts keep theirs lower-case), or null when it is not one address.</summary>
    internal static string? RequesterEmail(string query)
    {
        var trimmed = query.Trim();
        return trimmed.Length <= 320 && !trimmed.Contains(' ', StringComparison.Ordinal) && System.Net.Mail.MailAddress.TryCreate(trimmed, out var address)
            && address.Address == trimmed
            ? trimmed.ToLowerInvariant()
            : null;
    }

    /// <summary>Each word becomes a quoted FTS5 string (so no user text is query syntax); the last is a prefix.</summary>
    internal static string ToFts5Query(string query)
    {
        var words = Words(query);
        var builder = new StringBuilder();
        for (var i = 0; i < words.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(' ');
            }

            builder.Append('"').Append(words[i].Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            if (i == words.Count - 1)
            {
                builder.Append('*');
            }
        }

        return builder.ToString();
    }

    /// <summary>Words joined with &amp;; the last gets :* for prefix matching. Only letters and digits survive, so no tsquery syntax.</summary>
    internal static string ToPostgresQuery(string query)
    {
        var words = Words(query).Select(w => new string(w.Where(char.IsLetterOrDigit).ToArray())).Where(w => w.Length > 0).ToList();
        return words.Count == 0 ? "" : string.Join(" & ", words.Select((w, i) => i == words.Count - 1 ? w + ":*" : w));
    }

    private static List<string> Words(string query) =>
        query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => new string(w.Where(c => char.IsLetterOrDigit(c) || c is '@' or '.' or '-' or '_').ToArray()).Trim('.', '-', '_'))
            .Where(w => w.Length > 0)
            .Take(16)
            .ToList();
}
