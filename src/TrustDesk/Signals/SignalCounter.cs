using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Signals;

/// <summary>
/// The signal increments of one intake batch. They are visible to reads in the same batch at once (the fifth report in
/// ten minutes sees the four before it, even in the same commit) and written in the batch's transaction with one
/// upsert per 500 buckets — <c>INSERT ... ON CONFLICT DO UPDATE</c>, the same SQL on SQLite and PostgreSQL — so
/// counting never reads history and two writers never lose an increment.
/// </summary>
/// <remarks>
/// On PostgreSQL (<paramref name="writes"/> given) the batch's stored minute buckets are read up front for every subject it
/// knows (<see cref="Prefetch"/>), so the rules' short windows cost no round trip each, and the upserts go with the
/// batch's other rows in its write round trip.
/// </remarks>
public sealed class SignalCounter(TrustDeskDb db, DateTime now, UntrackedWrites? writes = null)
{
    // The stored minute buckets of subjects read up front: (name, bucket start, count) per subject, of the last two hours.
    private readonly Dictionary<Guid, List<(string Name, DateTime BucketStart, int Count)>> _minutes = [];

    private PostgresRoundTrip.Rows<SignalBucket>? _read;

    /// <summary>
    /// Asks, in the batch's look-up round trip, for the minute buckets of the last two hours of these subjects: every
    /// count over a window of up to two hours (five reports in ten minutes, a reporter's flood in an hour) is then
    /// answered without the database.
    /// </summary>
    public void Prefetch(PostgresRoundTrip trip, IReadOnlyCollection<Guid> subjectIds)
    {
        var wanted = subjectIds.Where(id => !_withoutHistory.Contains(id) && !_minutes.ContainsKey(id)).ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        foreach (var id in wanted)
        {
            _minutes[id] = [];
        }

        var since = SignalResolutions.BucketStart(now - SignalResolutions.MinuteRetention, SignalResolution.Minute);
        _read = trip.Select<SignalBucket>(false, PostgresRoundTrip.AnyOf(nameof(SignalBucket.SubjectId), wanted),
            PostgresRoundTrip.EqualTo(nameof(SignalBucket.Resolution), SignalResolution.Minute), PostgresRoundTrip.AtLeast(nameof(SignalBucket.BucketStart), since));
    }

    // The stored count from the buckets read up front, when the window is in minutes and the subject was read.
    private bool TryCountRead(Guid subjectId, SignalResolution resolution, DateTime since, Func<string, bool> names, out int count)
    {
        count = 0;
        if (_read is { } read)
        {
            // The round trip has run by the time a rule counts.
            foreach (var bucket in read)
            {
                _minutes[bucket.SubjectId].Add((bucket.Name, bucket.BucketStart, bucket.Count));
            }

            _read = null;
        }

        if (resolution != SignalResolution.Minute || !_minutes.TryGetValue(subjectId, out var buckets))
        {
            return false;
        }

        foreach (var (name, bucketStart, n) in buckets)
        {
            if (bucketStart >= since && names(name))
            {
                count += n;
            }
        }

        return true;
    }

    private readonly Dictionary<(Guid SubjectId, string Name, SignalResolution Resolution, DateTime BucketStart), int> _pending = [];

    // The pending buckets again, per subject: a count reads only its subject's few buckets, not the whole batch's.
    private readonly Dictionary<Guid, List<(string Name, SignalResolution Resolution, DateTime BucketStart)>> _pendingBySubject = [];
    private readonly Dictionary<(Guid SubjectId, string Name, SignalResolution Resolution, DateTime Since), int> _stored = [];
    private readonly HashSet<Guid> _withoutHistory = [];

    /// <summary>Says the subject is new in this batch: it has no stored buckets, so counting it reads nothing.</summary>
    public void HasNoHistory(Guid subjectId) => _withoutHistory.Add(subjectId);

    public void Increment(Guid subjectId, string name, DateTime occurredAt)
    {
        foreach (var resolution in SignalResolutions.All)
        {
            if (now - occurredAt > SignalResolutions.Retention(resolution))
            {
                continue;
            }

            var bucketStart = SignalResolutions.BucketStart(occurredAt, resolution);
            var key = (subjectId, name, resolution, bucketStart);
            if (_pending.TryGetValue(key, out var count))
            {
                _pending[key] = count + 1;
                continue;
            }

            _pending[key] = 1;
            if (!_pendingBySubject.TryGetValue(subjectId, out var buckets))
            {
                _pendingBySubject[subjectId] = buckets = [];
            }

            buckets.Add((name, resolution, bucketStart));
        }
    }

    /// <summary>How many times <paramref name="name"/> happened to the subject in the window ending now, this batch included.</summary>
    public int Count(Guid subjectId, string name, TimeSpan window)
    {
        var resolution = SignalResolutions.For(window);
        var since = SignalResolutions.BucketStart(now - window, resolution);
        var storedKey = (subjectId, name, resolution, since);
        if (!_stored.TryGetValue(storedKey, out var stored) && !_withoutHistory.Contains(subjectId)
            && !TryCountRead(subjectId, resolution, since, n => n == name, out stored))
        {
            // The writer is the only caller and waits on this anyway; one indexed range read per subject, name and window.
            stored = db.Set<SignalBucket>().Where(b => b.SubjectId == subjectId && b.Name == name && b.Resolution == resolution && b.BucketStart >= since)
                .Sum(b => b.Count);
            _stored[storedKey] = stored;
        }

        var pending = 0;
        foreach (var bucket in _pendingBySubject.GetValueOrDefault(subjectId) ?? [])
        {
            if (bucket.Resolution == resolution && bucket.BucketStart >= since && bucket.Name == name)
            {
                pending += _pending[(subjectId, bucket.Name, bucket.Resolution, bucket.BucketStart)];
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
        if (!_stored.TryGetValue(storedKey, out var stored) && !_withoutHistory.Contains(subjectId)
            && !TryCountRead(subjectId, resolution, since, n => n.StartsWith(prefix, StringComparison.Ordinal), out stored))
        {
            // Names sort as "type|role": every role of one type is one range of the primary key.
            var upper = eventType + "}";
            stored = db.Set<SignalBucket>().Where(b => b.SubjectId == subjectId && string.Compare(b.Name, prefix) >= 0 && string.Compare(b.Name, upper) < 0
                    && b.Resolution == resolution && b.BucketStart >= since)
                .Sum(b => b.Count);
            _stored[storedKey] = stored;
        }

        var pending = 0;
        foreach (var bucket in _pendingBySubject.GetValueOrDefault(subjectId) ?? [])
        {
            if (bucket.Resolution == resolution && bucket.BucketStart >= since && bucket.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                pending += _pending[(subjectId, bucket.Name, bucket.Resolution, bucket.BucketStart)];
            }
        }

        return stored + pending;
    }

    /// <summary>
    /// Writes the increments; call inside the batch's transaction. In key order: two nodes adding to the same buckets lock
    /// their rows in the same order, so neither waits for the other in a circle (a deadlock PostgreSQL would break by
    /// failing one of them). Data's counter upsert does the writing (one prepared single-row statement per bucket on
    /// SQLite, where a statement costs no round trip; a few multi-row statements on PostgreSQL).
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var rows = _pending.OrderBy(p => p.Key)
            .Select(p => new SignalBucket(p.Key.SubjectId, p.Key.Name, p.Key.Resolution, p.Key.BucketStart, p.Value)).ToList();
        _pending.Clear();
        _pendingBySubject.Clear();
        if (writes is not null && db.SharedByNodes)
        {
            // Written with the batch's rows, in its one write round trip.
            foreach (var row in rows)
            {
                writes.InsertOrAdd(row, nameof(SignalBucket.Count));
            }

            return;
        }

        await CounterRows.AddAsync(db, rows, cancellationToken);
    }
}
