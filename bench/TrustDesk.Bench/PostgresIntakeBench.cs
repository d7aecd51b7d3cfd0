using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace TrustDesk.Bench;

/// <summary>
/// <c>intake --provider postgres --nodes N --hot-share F</c>: a private PostgreSQL server, migrated once, N TrustDesk
/// nodes serving from it, the load spread over them (worker i on node i mod N), optionally one node killed with SIGKILL
/// halfway through. Afterwards the database is checked: every acknowledged report stored, at most one open case per
/// subject and category, each case's report count equal to the reports it holds. The last line is one JSON object.
/// </summary>
public static class PostgresIntakeBench
{
    private const int HotSubjects = 20;

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var serverDll = ServerProcess.LocateServer(options.ServerPath);
        var loadBefore = LoadAverage();
        Console.WriteLine($"Starting a private PostgreSQL ({(options.PostgresSettings.Count == 0 ? "default settings: fsync and synchronous_commit on" : string.Join(", ", options.PostgresSettings))})");
        await using var postgres = await PostgresInstance.StartAsync(options.PostgresSettings, cancellationToken);
        var connectionString = await postgres.CreateDatabaseAsync("trustdesk", cancellationToken);
        var environment = new Dictionary<string, string>
        {
            ["TrustDesk__Database__Provider"] = "postgres",
            // Each node's pool: request threads read (auth, categories), the intake writer holds one, the relays listen.
            ["ConnectionStrings__TrustDesk"] = postgres.ConnectionString("trustdesk", maxPoolSize: 40),
        };
        var setup = Directory.CreateTempSubdirectory("trustdesk-bench-setup-").FullName;
        var servers = new List<ServerProcess>();
        try
        {
            Console.WriteLine($"PostgreSQL up on port {postgres.Port}; `trustdesk migrate`");
            await ServerProcess.RunCommandAsync(serverDll, ["migrate", "--data", setup], environment, cancellationToken);
            var key = await ServerProcess.CreateApiKeyAsync(serverDll, setup, cancellationToken, environment);
            // Started together, as an operator's orchestrator would.
            servers.AddRange(await Task.WhenAll(Enumerable.Range(0, options.Nodes).Select(_ =>
                ServerProcess.StartAsync(serverDll, options.KeepData, cancellationToken, null, environment, key))));
            Console.WriteLine($"{servers.Count} node(s) up: {string.Join(", ", servers.Select(s => s.Url))}");

            var clients = servers.Select(s => LoadPhase.CreateClient(s.Url, options.Concurrency, key)).ToArray();
            try
            {
                return await MeasureAsync(options, postgres, connectionString, servers, clients, loadBefore, cancellationToken);
            }
            finally
            {
                foreach (var client in clients)
                {
                    client.Dispose();
                }
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            try
            {
                Directory.Delete(setup, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temp directory.
            }
        }
    }

    private static async Task<int> MeasureAsync(
        BenchOptions options, PostgresInstance postgres, string connectionString, List<ServerProcess> servers, HttpClient[] clients,
        string loadBefore, CancellationToken cancellationToken)
    {
        var categories = await ListCategoriesAsync(clients[0], cancellationToken);
        var hotShare = options.HotShare ?? 0.25;
        var hotSubjects = options.HotShare is null ? 300 : HotSubjects;
        var bodyCount = Math.Clamp((options.WarmupSeconds + options.Seconds) * 4_000, 10_000, 250_000);
        var bodies = ReportBodies.Generate(categories, bodyCount, options.IdempotencyShare, options.Seed, hotShare, hotSubjects);
        Console.WriteLine($"Generated {bodies.Count:N0} reports: {hotShare:P0} about {hotSubjects} hot subjects, {bodies.DistinctSubjects:N0} distinct subjects");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {loadBefore}. Load: {options.Concurrency} concurrent over {servers.Count} node(s), " +
            $"{options.WarmupSeconds} s warm-up, {options.Seconds} s measured{(options.KillOne ? ", one node killed (SIGKILL) halfway" : "")}");

        var nodes = new LoadPhase.Nodes(clients, collectReportIds: true);
        var cpu = new NodeCpu(servers);
        var statsBefore = await ReadStatsAsync(connectionString, cancellationToken);
        int? killed = null;
        Task killing = Task.CompletedTask;
        var reportsUri = new Uri("api/v1/reports", UriKind.Relative);
        Snapshot? measuring = null;
        var result = await LoadPhase.RunAsync(nodes, options.Concurrency, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds),
            sequence => LoadPhase.ReportRequest(reportsUri, bodies, sequence), Console.WriteLine, cancellationToken, run =>
            {
                var untilMeasured = TimeSpan.FromSeconds(options.WarmupSeconds);
                _ = Task.Delay(untilMeasured, cancellationToken).ContinueWith(_ => measuring = Snapshot.Take(cpu, postgres), TaskScheduler.Default);
                if (options.KillOne)
                {
                    killing = Task.Delay(untilMeasured + TimeSpan.FromSeconds(options.Seconds / 2.0), cancellationToken).ContinueWith(_ =>
                    {
                        var victim = servers.Count - 1;
                        cpu.Freeze(victim);
                        nodes.MarkDown(victim);
                        servers[victim].Kill();
                        killed = victim;
                        Console.WriteLine($"  killed node {victim} ({servers[victim].Url}) with SIGKILL");
                    }, TaskScheduler.Default);
                }
            });
        var end = Snapshot.Take(cpu, postgres);
        await killing;
        var statsAfter = await ReadStatsAsync(connectionString, cancellationToken);
        var loadAfter = LoadAverage();
        var used = measuring is { } start ? Snapshot.Between(start, end) : default;

        Console.WriteLine($"intake: {result.RequestsPerSecond:F0} req/s over {result.Seconds:F1} s, {result.Requests:N0} requests, {result.Errors} errors");
        Console.WriteLine($"intake: latency p50 {result.P50Ms:F1} ms, p90 {result.P90Ms:F1} ms, p99 {result.P99Ms:F1} ms, max {result.MaxMs:F1} ms");
        Console.WriteLine($"intake: CPU cores busy: nodes {used.Nodes:F2}, PostgreSQL {used.Postgres:F2}, driver {used.Driver:F2}, whole machine {used.Machine:F2}");
        foreach (var (kind, count) in result.ErrorKinds)
        {
            Console.WriteLine($"intake: error {kind} x{count}");
        }

        if (result.FirstError is { } first)
        {
            Console.WriteLine($"intake: first error: {(first.Length > 500 ? first[..500] : first)}");
        }

        Console.WriteLine("Checking the database: acknowledged reports, open cases, report counts");
        var check = await CheckAsync(connectionString, result.AcknowledgedReportIds, cancellationToken);
        Console.WriteLine($"check: {result.AcknowledgedReportIds.Count:N0} reports acknowledged, {check.Lost} missing; {check.DuplicateOpenCases} duplicate open cases; " +
            $"{check.CountMismatches} cases whose report count differs from their reports");
        if (result.Errors > 0 || check.Lost > 0)
        {
            foreach (var server in servers)
            {
                await Console.Error.WriteLineAsync($"Last output of {server.Url}:{Environment.NewLine}{server.LastOutput()}");
            }
        }

        var reports = Math.Max(1, statsAfter.Reports - statsBefore.Reports);
        await PrintTopStatementsAsync(connectionString, reports, cancellationToken);
        var summary = new Dictionary<string, object?>
        {
            ["reportsPerSecond"] = result.RequestsPerSecond,
            ["p50Ms"] = result.P50Ms,
            ["p90Ms"] = result.P90Ms,
            ["p99Ms"] = result.P99Ms,
            ["maxMs"] = result.MaxMs,
            ["errors"] = result.Errors,
            ["errorKinds"] = result.ErrorKinds,
            ["duplicateOpenCases"] = check.DuplicateOpenCases,
            ["lostReports"] = check.Lost,
            ["acknowledgedReports"] = result.AcknowledgedReportIds.Count,
            ["reportCountMismatches"] = check.CountMismatches,
            ["nodes"] = servers.Count,
            ["killedNode"] = killed,
            ["provider"] = "postgres",
            ["hotShare"] = hotShare,
            ["hotSubjects"] = hotSubjects,
            ["requests"] = result.Requests,
            ["concurrency"] = options.Concurrency,
            ["seconds"] = options.Seconds,
            ["measuredSeconds"] = result.Seconds,
            ["warmupSeconds"] = options.WarmupSeconds,
            ["idempotencyShare"] = options.IdempotencyShare,
            ["nodesCpuCores"] = used.Nodes,
            ["postgresCpuCores"] = used.Postgres,
            ["driverCpuCores"] = used.Driver,
            ["machineCpuCores"] = used.Machine,
            ["cores"] = Environment.ProcessorCount,
            // Whole run (warm-up included), from PostgreSQL's own counters: what each stored report cost the database.
            ["statementsPerReport"] = Math.Round((double)(statsAfter.Statements - statsBefore.Statements) / reports, 2),
            ["transactionsPerReport"] = Math.Round((double)(statsAfter.Commits - statsBefore.Commits) / reports, 3),
            ["postgresSettings"] = options.PostgresSettings,
            ["loadAverageBefore"] = loadBefore,
            ["loadAverageAfter"] = loadAfter,
        };
        Console.WriteLine(JsonSerializer.Serialize(summary));
        return 0;
    }

    private static async Task<List<string>> ListCategoriesAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri("api/v1/categories", UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        return [.. document.RootElement.EnumerateArray().Select(c => c.GetProperty("code").GetString()!)];
    }

    private sealed record Check(long Lost, long DuplicateOpenCases, long CountMismatches);

    private static async Task<Check> CheckAsync(string connectionString, IReadOnlyList<Guid> acknowledged, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        long found = 0;
        foreach (var chunk in acknowledged.Chunk(50_000))
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM \"Reports\" WHERE \"Id\" = ANY($1)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = chunk });
            found += (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        // Open cases collecting reports about one subject in one category: more than one for a pair is a duplicate.
        const string Duplicates = """
            SELECT coalesce(sum(n - 1), 0) FROM (
              SELECT count(*) AS n FROM "Cases"
              WHERE "PrimarySubjectId" IS NOT NULL AND "Status" NOT IN ('Solved', 'Closed')
              GROUP BY "PrimarySubjectId", "Category" HAVING count(*) > 1) AS d
            """;
        const string Mismatches = """
            SELECT count(*) FROM "Cases" c
            LEFT JOIN (SELECT "CaseId", count(*) AS n FROM "Reports" GROUP BY "CaseId") r ON r."CaseId" = c."Id"
            WHERE c."Channel" = 'Report' AND c."ReportCount" <> coalesce(r.n, 0)
            """;
        return new Check(acknowledged.Count - found, await ScalarAsync(connection, Duplicates, cancellationToken), await ScalarAsync(connection, Mismatches, cancellationToken));
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private sealed record Stats(long Statements, long Commits, long Reports);

    private static async Task<Stats> ReadStatsAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var statements = await ScalarAsync(connection, "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())", cancellationToken);
        var commits = await ScalarAsync(connection, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", cancellationToken);
        var reports = await ScalarAsync(connection, "SELECT count(*) FROM \"Reports\"", cancellationToken);
        return new Stats(statements, commits, reports);
    }

    // Where PostgreSQL's time went over the whole run (warm-up included): the statements it ran most, per stored report.
    private static async Task PrintTopStatementsAsync(string connectionString, long reports, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT calls, total_exec_time, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110) FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY total_exec_time DESC LIMIT 15
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        Console.WriteLine($"PostgreSQL's statements by time ({reports:N0} reports stored):  calls/report  ms/report  rows/call  statement");
        while (await reader.ReadAsync(cancellationToken))
        {
            var calls = reader.GetInt64(0);
            Console.WriteLine($"  {calls / (double)reports,10:F3}  {reader.GetDouble(1) / reports,9:F4}  {reader.GetInt64(2) / (double)Math.Max(1, calls),8:F1}  {reader.GetString(3)}");
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>CPU used by the nodes; a killed node's stays at what it had used when it was killed.</summary>
    private sealed class NodeCpu(List<ServerProcess> servers)
    {
        private readonly TimeSpan?[] _frozen = new TimeSpan?[servers.Count];

        public void Freeze(int node) => _frozen[node] = servers[node].ProcessorTime;

        public TimeSpan Total() => servers.Select((s, i) => _frozen[i] ?? s.ProcessorTime).Aggregate(TimeSpan.Zero, (a, b) => a + b);
    }

    private readonly record struct Used(double Nodes, double Postgres, double Driver, double Machine);

    private sealed record Snapshot(long At, TimeSpan Nodes, TimeSpan Postgres, CpuSnapshot Machine)
    {
        public static Snapshot Take(NodeCpu nodes, PostgresInstance postgres) =>
            new(Stopwatch.GetTimestamp(), nodes.Total(), postgres.ProcessorTime(), CpuSnapshot.Take(null));

        public static Used Between(Snapshot from, Snapshot to)
        {
            var wall = Stopwatch.GetElapsedTime(from.At, to.At).TotalSeconds;
            var (_, driver, machine) = CpuSnapshot.Between(from.Machine, to.Machine);
            return wall <= 0 ? default : new Used(
                Math.Round((to.Nodes - from.Nodes).TotalSeconds / wall, 2), Math.Round((to.Postgres - from.Postgres).TotalSeconds / wall, 2), driver, machine ?? 0);
        }
    }
}
