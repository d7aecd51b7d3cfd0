using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace TrustDesk.Bench;

/// <summary>What one measured window saw.</summary>
public sealed record PhaseResult(
    long Requests,
    long Errors,
    double Seconds,
    double RequestsPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    IReadOnlyDictionary<string, long> ErrorKinds,
    string? FirstError)
{
    /// <summary>Every report acknowledged during the phase, warm-up included (only when asked for).</summary>
    public IReadOnlyList<Guid> AcknowledgedReportIds { get; init; } = [];
}

/// <summary>
/// A closed loop: <c>concurrency</c> workers each send one request, wait for the whole answer, and send the next.
/// Requests that start during the warm-up are not recorded; recording covers those that start in the measured window,
/// and the rate is what completed divided by the time from the window's start to the last completion. Every non-2xx
/// answer and every exception counts as an error. The loop allocates a request and its content per call and nothing
/// else, so the driver leaves the cores to the server.
/// </summary>
public static class LoadPhase
{
    /// <summary>In-flight requests past the end of the window get this long before they are cut off (and counted as errors).</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static HttpClient CreateClient(Uri baseUrl, int concurrency, string? key) => new(new SocketsHttpHandler
    {
        // One connection per worker, kept open: the benchmark measures the server, not TCP handshakes.
        MaxConnectionsPerServer = concurrency,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        BaseAddress = baseUrl,
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultRequestHeaders = { Authorization = key is null ? null : new AuthenticationHeaderValue("Bearer", key) },
    };

    /// <summary>A request factory: called with a sequence number, returns the message to send.</summary>
    public delegate HttpRequestMessage RequestFactory(long sequence);

    public static HttpRequestMessage ReportRequest(Uri uri, ReportBodies bodies, long sequence)
    {
        var (body, idempotencyKey) = bodies.Get(sequence);
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    public static Task<PhaseResult> RunAsync(
        HttpClient client, int concurrency, TimeSpan warmup, TimeSpan measured, RequestFactory createRequest,
        Action<string> progress, CancellationToken cancellationToken) =>
        RunAsync(new Nodes([client]), concurrency, warmup, measured, createRequest, progress, cancellationToken);

    /// <summary>
    /// The servers a phase loads: worker i starts on node i mod N and stays there, as a client behind a proxy would,
    /// until a request to it fails in transport (the node is gone); then it moves on to the next node.
    /// </summary>
    /// <param name="clients">One client per node, its base address the node's.</param>
    /// <param name="collectReportIds">Keep the reportId of every acknowledged report, to check afterwards that each is stored.</param>
    public sealed class Nodes(HttpClient[] clients, bool collectReportIds = false)
    {
        private readonly bool[] _down = new bool[clients.Length];

        public HttpClient[] Clients { get; } = clients;
        public bool CollectReportIds { get; } = collectReportIds;

        /// <summary>Says the node was killed: transport errors on it are counted as such.</summary>
        public void MarkDown(int node) => Volatile.Write(ref _down[node], true);

        public bool IsDown(int node) => Volatile.Read(ref _down[node]);
    }

    public static async Task<PhaseResult> RunAsync(
        Nodes nodes, int concurrency, TimeSpan warmup, TimeSpan measured, RequestFactory createRequest,
        Action<string> progress, CancellationToken cancellationToken, Action<Run>? started = null)
    {
        var run = new Run(Stopwatch.GetTimestamp(), warmup, measured);
        started?.Invoke(run);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        abort.CancelAfter(warmup + measured + Grace);
        var workers = new Worker[concurrency];
        var tasks = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = new Worker(run, nodes, i % nodes.Clients.Length, createRequest, abort.Token);
            tasks[i] = Task.Run(workers[i].RunAsync, CancellationToken.None);
        }

        await ReportProgressAsync(run, workers, progress, Task.WhenAll(tasks), cancellationToken);
        await Task.WhenAll(tasks);
        cancellationToken.ThrowIfCancellationRequested();
        var result = Summarise(run, workers);
        return nodes.CollectReportIds ? result with { AcknowledgedReportIds = [.. workers.SelectMany(w => w.ReportIds)] } : result;
    }

    private static async Task ReportProgressAsync(Run run, Worker[] workers, Action<string> progress, Task done, CancellationToken cancellationToken)
    {
        var every = TimeSpan.FromSeconds(5);
        long lastCount = 0;
        var lastAt = Stopwatch.GetTimestamp();
        while (await Task.WhenAny(done, Task.Delay(every, cancellationToken)) != done && !cancellationToken.IsCancellationRequested)
        {
            long count = 0;
            long errors = 0;
            foreach (var worker in workers)
            {
                count += Volatile.Read(ref worker.Completed);
                errors += Volatile.Read(ref worker.ErrorCount);
            }

            var now = Stopwatch.GetTimestamp();
            var phase = now < run.MeasureStart ? "warm-up" : "measuring";
            progress($"  {Stopwatch.GetElapsedTime(run.Start, now).TotalSeconds,5:F0} s  {phase,-9}  {(count - lastCount) / Stopwatch.GetElapsedTime(lastAt, now).TotalSeconds,8:F0} req/s  ({errors} errors so far)");
            lastCount = count;
            lastAt = now;
        }
    }

    private static PhaseResult Summarise(Run run, Worker[] workers)
    {
        long recorded = 0;
        long errors = 0;
        var lastCompletion = run.MeasureStart;
        var kinds = new Dictionary<string, long>(StringComparer.Ordinal);
        string? firstError = null;
        foreach (var worker in workers)
        {
            recorded += worker.Latencies.Count;
            errors += worker.RecordedErrors;
            lastCompletion = Math.Max(lastCompletion, worker.LastCompletion);
            firstError ??= worker.FirstError;
            foreach (var (kind, count) in worker.ErrorKinds)
            {
                kinds[kind] = kinds.GetValueOrDefault(kind) + count;
            }
        }

        var all = new long[recorded];
        var at = 0;
        foreach (var worker in workers)
        {
            worker.Latencies.CopyTo(all, at);
            at += worker.Latencies.Count;
        }

        Array.Sort(all);
        var seconds = Math.Max(Stopwatch.GetElapsedTime(run.MeasureStart, lastCompletion).TotalSeconds, 1e-9);
        return new PhaseResult(
            recorded,
            errors,
            Math.Round(seconds, 3),
            Math.Round((recorded - errors) / seconds, 1),
            Percentile(all, 0.50),
            Percentile(all, 0.90),
            Percentile(all, 0.99),
            Percentile(all, 1.0),
            kinds,
            firstError);
    }

    /// <summary>Nearest-rank percentile of sorted Stopwatch ticks, in milliseconds.</summary>
    private static double Percentile(long[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p * sorted.Length);
        var ticks = sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
        return Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 2);
    }

    public sealed class Run(long start, TimeSpan warmup, TimeSpan measured)
    {
        private long _sequence = -1;

        public long Start { get; } = start;
        public long MeasureStart { get; } = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        public long MeasureEnd { get; } = start + (long)((warmup + measured).TotalSeconds * Stopwatch.Frequency);

        public long NextSequence() => Interlocked.Increment(ref _sequence);
    }

    private sealed class Worker(Run run, Nodes nodes, int firstNode, RequestFactory createRequest, CancellationToken abort)
    {
        // Written by this worker only; read by the progress line (Volatile) and after the phase.
        public long Completed;
        public long ErrorCount;

        private int _node = firstNode;

        public List<long> Latencies { get; } = new(64 * 1024);
        public long RecordedErrors { get; private set; }
        public long LastCompletion { get; private set; }
        public Dictionary<string, long> ErrorKinds { get; } = new(StringComparer.Ordinal);
        public string? FirstError { get; private set; }
        public List<Guid> ReportIds { get; } = [];

        public async Task RunAsync()
        {
            while (!abort.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                if (started >= run.MeasureEnd)
                {
                    return;
                }

                string? error = null;
                var node = _node;
                try
                {
                    using var request = createRequest(run.NextSequence());
                    using var response = await nodes.Clients[node].SendAsync(request, HttpCompletionOption.ResponseContentRead, abort);
                    if (!response.IsSuccessStatusCode)
                    {
                        error = $"HTTP {(int)response.StatusCode}";
                        FirstError ??= $"{error}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}";
                    }
                    else if (nodes.CollectReportIds && ReportId(await response.Content.ReadAsByteArrayAsync(CancellationToken.None)) is { } id)
                    {
                        ReportIds.Add(id);
                    }
                }
                catch (Exception exception)
                {
                    error = exception.GetType().Name;
                    if (exception is HttpRequestException or IOException && nodes.Clients.Length > 1)
                    {
                        // The node is gone (or going): as a proxy would, send the next request to another one.
                        error = nodes.IsDown(node) ? $"in flight on the killed node ({error})" : error;
                        _node = (node + 1) % nodes.Clients.Length;
                        for (var tries = 0; tries < nodes.Clients.Length && nodes.IsDown(_node); tries++)
                        {
                            _node = (_node + 1) % nodes.Clients.Length;
                        }
                    }

                    FirstError ??= $"{error}: {exception.Message}";
                }

                var finished = Stopwatch.GetTimestamp();
                Volatile.Write(ref Completed, Completed + 1);
                if (error is not null)
                {
                    Volatile.Write(ref ErrorCount, ErrorCount + 1);
                }

                if (started < run.MeasureStart)
                {
                    continue;
                }

                Latencies.Add(finished - started);
                LastCompletion = finished;
                if (error is not null)
                {
                    RecordedErrors++;
                    ErrorKinds[error] = ErrorKinds.GetValueOrDefault(error) + 1;
                }
            }
        }

        // The reportId of a 201/200 answer to POST /api/v1/reports, read without building a document.
        private static Guid? ReportId(byte[] body)
        {
            var reader = new System.Text.Json.Utf8JsonReader(body);
            while (reader.Read())
            {
                if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("reportId"u8))
                {
                    return reader.Read() && reader.TryGetGuid(out var id) ? id : null;
                }
            }

            return null;
        }
    }
}
