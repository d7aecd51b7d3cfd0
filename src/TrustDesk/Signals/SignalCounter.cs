using System.Text;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Signals;

/// <summary>
/// The signal increments of one intake batch. They are visible to reads in the same batch at once (the fifth report in
/// ten minutes sees the four before it, even in the same commit) and written in the batch's transaction with one
/// upsert per 500 buckets — <c>INSERT ... ON CONFLICT DO UPDATE</c>, the same SQL on SQLite and PostgreSQL — so
/// counting never reads history and two writers never lose an increment.
/// </summary>
public sealed class SignalCounter(TrustDeskDb db, DateTime now)
{
    private const int RowsPerStatement = 500;
    private readonly Dictionary<(Guid SubjectId, string Name, SignalResolution Resolution, DateTime BucketStart), int> _pending = [];
    private readonly Dictionary<(Guid SubjectId, string Name, SignalResolution Resolution, DateTime Since), int> _stored = [];

    public void Increment(Guid subjectId, string name, DateTime occurredAt)
    {
        foreach (var resolution in SignalResolutions.All)
        {
            if (now - occurredAt > SignalResolutions.Retention(resolution))
            {
                continue;
            }

            var key = (subjectId, name, resolution, SignalResolutions.BucketStart(occurredAt, resolution));
            _pending[key] = _pending.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>How many times <paramref name="name"/> happened to the subject in the window ending now, this batch included.</summary>
    public int Count(Guid subjectId, string name, TimeSpan window)
    {
        var resolution = SignalResolutions.For(window);
        var since = SignalResolutions.BucketStart(now - window, resolution);
        var storedKey = (subjectId, name, resolution, since);
        if (!_stored.TryGetValue(storedKey, out var stored))
        {
            // The writer is the only caller and waits on this anyway; one indexed range read per subject, name and window.
            stored = db.Set<SignalBucket>().Where(b => b.SubjectId == subjectId && b.Name == name && b.Resolution == resolution && b.BucketStart >= since)
                .Sum(b => b.Count);
            _stored[storedKey] = stored;
        }

        var pending = 0;
        foreach (var (key, delta) in _pending)
        {
            if (key.SubjectId == subjectId && key.Resolution == resolution && key.BucketStart >= since && key.Name == name)
            {
                pending += delta;
            }
        }

        return stored + pending;
    }

    /// <summary>Counts <paramref name="eventType"/> in any role the subject had in it (<c>type|*</c>).</summary>
    public int CountAnyRole(Guid subjectId, string eventType, TimeSpan window)
    {
        var resolution = SignalResolutions.For(window);
        var since = SignalResolutions.BucketStart(now - window, resolution);
        var prefix = eventType + "|";
        var storedKey = (subjectId, prefix + "*", resolution, since);
        if (!_stored.TryGetValue(storedKey, out var stored))
        {
            // Names sort as "type|role": every role of one type is one range of the primary key.
            var upper = eventType + "}";
            stored = db.Set<SignalBucket>().Where(b => b.SubjectId == subjectId && string.Compare(b.Name, prefix) >= 0 && string.Compare(b.Name, upper) < 0
                    && b.Resolution == resolution && b.BucketStart >= since)
                .Sum(b => b.Count);
            _stored[storedKey] = stored;
        }

        var pending = 0;
        foreach (var (key, delta) in _pending)
        {
            if (key.SubjectId == subjectId && key.Resolution == resolution && key.BucketStart >= since && key.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                pending += delta;
            }
        }

        return stored + pending;
    }

    /// <summary>Writes the increments; call inside the batch's transaction.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var chunk in _pending.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder("INSERT INTO \"SignalBuckets\" (\"SubjectId\", \"Name\", \"Resolution\", \"BucketStart\", \"Count\") VALUES ");
            var parameters = new List<object>(chunk.Length * 5);
            for (var i = 0; i < chunk.Length; i++)
            {
                var ((subjectId, name, resolution, bucketStart), delta) = chunk[i];
                sql.Append(i == 0 ? "" : ", ").Append($"({{{i * 5}}}, {{{(i * 5) + 1}}}, {{{(i * 5) + 2}}}, {{{(i * 5) + 3}}}, {{{(i * 5) + 4}}})");
                // Raw SQL bypasses EF's converters: bind the Guid the way each provider's column stores it.
                parameters.Add(db is SqliteTrustDeskDb ? subjectId.ToString().ToUpperInvariant() : subjectId);
                parameters.Add(name);
                parameters.Add((int)resolution);
                parameters.Add(bucketStart);
                parameters.Add(delta);
            }

            sql.Append(" ON CONFLICT (\"SubjectId\", \"Name\", \"Resolution\", \"BucketStart\") DO UPDATE SET \"Count\" = \"SignalBuckets\".\"Count\" + excluded.\"Count\"");
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
        }

        _pending.Clear();
    }
}
