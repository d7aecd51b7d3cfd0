using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using TrustDesk.Bench;

// The intake benchmark: see BenchOptions.Usage and docs/benchmarks.md. `email` is the SMTP benchmark (EmailBench.cs).
if (args.Length > 0 && args[0] == "email")
{
    return await EmailBench.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "next-case")
{
    // next-case --open-cases N --seconds S [--keep-data]: see NextCaseBench.
    var openCases = 1_000_000;
    var nextCaseSeconds = 20;
    var keep = false;
    for (var i = 1; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--open-cases" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
                openCases = n;
                i++;
                break;
            case "--seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], out var s) && s > 0:
                nextCaseSeconds = s;
                i++;
                break;
            case "--keep-data":
                keep = true;
                break;
            default:
                await Console.Error.WriteLineAsync($"Unknown or incomplete option '{args[i]}'. Usage: trustdesk-bench next-case [--open-cases N] [--seconds S] [--keep-data]");
                return 2;
        }
    }

    CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
    return await NextCaseBench.RunAsync(openCases, nextCaseSeconds, keep, CancellationToken.None);
}

// `dashboard --cases N [--provider sqlite|postgres]`: the metrics overview over N seeded cases (DashboardBench).
if (args.Length > 0 && args[0] == "dashboard")
{
    return await DashboardBench.RunAsync(args[1..], CancellationToken.None);
}

// `chat` is the chat benchmark (ChatBench).
if (args.Length > 0 && args[0] == "chat")
{
    return await ChatBench.RunAsync(args[1..]);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException error)
{
    await Console.Error.WriteLineAsync(error.Message);
    await Console.Error.WriteLineAsync(BenchOptions.Usage);
    return 2;
}

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
using var stop = new CancellationTokenSource();
ServerProcess? server = null;
if (options.Postgres)
{
    // Several nodes over a private PostgreSQL: PostgresIntakeBench. Ctrl+C or TERM stops it cleanly (its finally blocks
    // stop the nodes and the database).
    using var pgInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
    using var pgTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
    try
    {
        return await PostgresIntakeBench.RunAsync(options, stop.Token);
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        await Console.Error.WriteLineAsync("Stopped before the end: no figures.");
        return 130;
    }
    catch (Exception error) when (error is InvalidOperationException or HttpRequestException or TimeoutException or IOException or JsonException or Npgsql.NpgsqlException)
    {
        await Console.Error.WriteLineAsync($"Benchmark failed: {error.Message}");
        return 1;
    }
}

// Ctrl+C or a TERM stops the run cleanly (the finally below kills the child server); a plain process exit kills it too.
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine($"{context.Signal}: stopping.");
    stop.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
AppDomain.CurrentDomain.ProcessExit += (_, _) => server?.Kill();

try
{
    Uri url;
    string key;
    if (options.Url is null)
    {
        var serverDll = ServerProcess.LocateServer(options.ServerPath);
        Console.WriteLine($"Starting {serverDll}");
        server = await ServerProcess.StartAsync(serverDll, options.KeepData, stop.Token);
        Console.WriteLine($"Server up at {server.Url} (SQLite in {server.DataDirectory})");
        url = server.Url;
        key = server.Key;
    }
    else
    {
        url = options.Url;
        key = options.Key!;
        Console.WriteLine($"Using the server at {url}");
    }

    using var client = LoadPhase.CreateClient(url, options.Concurrency, key);
    var categories = await ListCategoriesAsync(client, stop.Token);

    // Enough distinct bodies that the run never repeats one unless it goes past ~4,000 reports/s.
    var bodyCount = Math.Clamp((options.WarmupSeconds + options.Seconds) * 4_000, 10_000, 250_000);
    var bodies = ReportBodies.Generate(categories, bodyCount, options.IdempotencyShare, options.Seed);
    Console.WriteLine($"Generated {bodies.Count:N0} reports over {categories.Count} categories: {bodies.DistinctSubjects:N0} distinct subjects, " +
        $"{bodies.TotalBytes / bodies.Count} bytes on average, {options.IdempotencyShare:P0} with an Idempotency-Key");
    Console.WriteLine($"Machine: {Environment.ProcessorCount} cores. Load: {options.Concurrency} concurrent, {options.WarmupSeconds} s warm-up, {options.Seconds} s measured");

    var reportsUri = new Uri(url, "api/v1/reports");
    Console.WriteLine($"POST {reportsUri}");
    var (intake, intakeCpu) = await MeasureAsync(
        client, options.Concurrency, options.WarmupSeconds, options.Seconds, sequence => LoadPhase.ReportRequest(reportsUri, bodies, sequence), server, stop.Token);
    Print("intake", intake, intakeCpu);

    var healthUri = new Uri(url, "healthz");
    Console.WriteLine($"GET {healthUri} (the ceiling: the same server and connections, a request that does no work)");
    var (ceiling, ceilingCpu) = await MeasureAsync(
        client, options.Concurrency, 1, options.CeilingSeconds, _ => new HttpRequestMessage(HttpMethod.Get, healthUri), server, stop.Token);
    Print("ceiling", ceiling, ceilingCpu);

    if ((intake.Errors > 0 || ceiling.Errors > 0) && server is not null)
    {
        await Console.Error.WriteLineAsync($"Last server output:{Environment.NewLine}{server.LastOutput()}");
    }

    var summary = new Dictionary<string, object?>
    {
        ["reportsPerSecond"] = intake.RequestsPerSecond,
        ["p50Ms"] = intake.P50Ms,
        ["p90Ms"] = intake.P90Ms,
        ["p99Ms"] = intake.P99Ms,
        ["maxMs"] = intake.MaxMs,
        ["errors"] = intake.Errors,
        ["requests"] = intake.Requests,
        ["concurrency"] = options.Concurrency,
        ["seconds"] = options.Seconds,
        ["measuredSeconds"] = intake.Seconds,
        ["warmupSeconds"] = options.WarmupSeconds,
        ["idempotencyShare"] = options.IdempotencyShare,
        ["errorKinds"] = intake.ErrorKinds,
        ["serverCpuCores"] = intakeCpu.Server,
        ["driverCpuCores"] = intakeCpu.Driver,
        ["machineCpuCores"] = intakeCpu.Machine,
        ["cores"] = Environment.ProcessorCount,
        ["ceilingRequestsPerSecond"] = ceiling.RequestsPerSecond,
        ["ceilingP50Ms"] = ceiling.P50Ms,
        ["ceilingP99Ms"] = ceiling.P99Ms,
        ["ceilingErrors"] = ceiling.Errors,
        ["ceilingSeconds"] = ceiling.Seconds,
    };
    Console.WriteLine(JsonSerializer.Serialize(summary));
    return 0;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("Stopped before the end: no figures.");
    return 130;
}
catch (Exception error) when (error is InvalidOperationException or HttpRequestException or TimeoutException or IOException or JsonException)
{
    await Console.Error.WriteLineAsync($"Benchmark failed: {error.Message}");
    return 1;
}
finally
{
    if (server is not null)
    {
        await server.DisposeAsync();
    }
}

static async Task<List<string>> ListCategoriesAsync(HttpClient client, CancellationToken cancellationToken)
{
    using var response = await client.GetAsync(new Uri("api/v1/categories", UriKind.Relative), cancellationToken);
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException(
            $"GET /api/v1/categories answered {(int)response.StatusCode}: the key needs the scopes reports:write and cases:read.");
    }

    using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
    var codes = new List<string>();
    foreach (var category in document.RootElement.EnumerateArray())
    {
        codes.Add(category.GetProperty("code").GetString()!);
    }

    return codes;
}

static async Task<(PhaseResult Result, (double Server, double Driver, double? Machine) Cpu)> MeasureAsync(
    HttpClient client, int concurrency, int warmupSeconds, int seconds, LoadPhase.RequestFactory createRequest, ServerProcess? server,
    CancellationToken cancellationToken)
{
    // CPU is sampled over the measured window only: the first sample is taken when the warm-up ends.
    var measuring = Task.Delay(TimeSpan.FromSeconds(warmupSeconds), cancellationToken).ContinueWith(
        _ => CpuSnapshot.Take(server), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    var result = await LoadPhase.RunAsync(
        client, concurrency, TimeSpan.FromSeconds(warmupSeconds), TimeSpan.FromSeconds(seconds), createRequest, Console.WriteLine, cancellationToken);
    var end = CpuSnapshot.Take(server);
    return (result, CpuSnapshot.Between(await measuring, end));
}

static void Print(string phase, PhaseResult result, (double Server, double Driver, double? Machine) cpu)
{
    Console.WriteLine($"{phase}: {result.RequestsPerSecond:F0} req/s over {result.Seconds:F1} s, {result.Requests:N0} requests, {result.Errors} errors");
    Console.WriteLine($"{phase}: latency p50 {result.P50Ms:F1} ms, p90 {result.P90Ms:F1} ms, p99 {result.P99Ms:F1} ms, max {result.MaxMs:F1} ms");
    Console.WriteLine($"{phase}: CPU cores busy: server {cpu.Server:F2}, driver {cpu.Driver:F2}, whole machine {(cpu.Machine is { } m ? m.ToString("F2", CultureInfo.InvariantCulture) : "n/a")}");
    foreach (var (kind, count) in result.ErrorKinds)
    {
        Console.WriteLine($"{phase}: error {kind} x{count}");
    }

    if (result.FirstError is { } first)
    {
        Console.WriteLine($"{phase}: first error: {(first.Length > 500 ? first[..500] : first)}");
    }
}
