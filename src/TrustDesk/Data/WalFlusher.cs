namespace TrustDesk.Data;

/// <summary>
/// Makes the intake writer's commits durable off its thread: the writer commits with <c>synchronous = NORMAL</c> (the
/// write-ahead log is written but not fsynced) and hands each batch here; this thread fsyncs the log once for every
/// batch committed since its last fsync, and only then are their requests answered. An acknowledged report is on disk
/// exactly as with <c>synchronous = FULL</c>, but the writer builds and writes the next batch while the disk flushes
/// instead of waiting for it (docs/benchmarks.md, fifth round).
/// </summary>
/// <remarks>
/// Other connections may read a batch's rows before its fsync; after a power cut such a batch is lost with the
/// requests that were never answered, never one that was. The log is opened by path for each fsync: an fsync flushes
/// the file whichever descriptor names it, and SQLite deletes and recreates the log when its last connection closes.
/// </remarks>
public sealed class WalFlusher : IDisposable
{
    private readonly string _databasePath;
    private readonly ILogger _logger;
    // A monitor rather than a Lock: the thread waits on it for work (Monitor.Wait).
    private readonly object _lock = new();
    private readonly Thread _thread;
    private List<Action<Exception?>> _pending = [];
    private bool _stopping;

    public WalFlusher(string databasePath, ILogger logger)
    {
        _databasePath = databasePath;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "TrustDesk WAL flusher" };
        _thread.Start();
    }

    /// <summary>
    /// Calls <paramref name="durable"/> (on the flusher's thread) once what has been committed so far is on disk, with
    /// null, or with the error that kept it from getting there.
    /// </summary>
    public void AfterCommit(Action<Exception?> durable)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);

            _pending.Add(durable);
            Monitor.Pulse(_lock);
        }
    }

    /// <summary>Flushes what is pending, answers it, and stops the thread.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _stopping = true;
            Monitor.Pulse(_lock);
        }

        _thread.Join();
    }

    private void Run()
    {
        var batch = new List<Action<Exception?>>();
        while (true)
        {
            lock (_lock)
            {
                while (_pending.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_lock);
                }

                if (_pending.Count == 0)
                {
                    return;
                }

                // Everything committed before this point is in the log file's pages: one fsync covers it all.
                (batch, _pending) = (_pending, batch);
            }

            var error = Flush();
            foreach (var durable in batch)
            {
                durable(error);
            }

            batch.Clear();
        }
    }

    private Exception? Flush()
    {
        try
        {
            FlushFile(_databasePath + "-wal");
            return null;
        }
        catch (FileNotFoundException)
        {
            // No log: its last connection closed and SQLite checkpointed it into the database file, then deleted it.
            return TryFlushDatabase();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(error, "fsync of the SQLite write-ahead log failed; the requests of the batches it covered fail");
            return error;
        }
    }

    private Exception? TryFlushDatabase()
    {
        try
        {
            FlushFile(_databasePath);
            return null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(error, "fsync of the SQLite database failed; the requests of the batches it covered fail");
            return error;
        }
    }

    private static void FlushFile(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        RandomAccess.FlushToDisk(handle);
    }
}
