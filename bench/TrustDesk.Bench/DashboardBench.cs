using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Data;
using TrustDesk.Metrics;

namespace TrustDesk.Bench;

/// <summary>
/// <c>dashboard --cases N [--provider sqlite|postgres]</c>: the team overview for the last 30 days
/// (<see cref="GetOverview"/>: the rollups of the period, the backlog now, per queue, per agent, per day) over a database
/// seeded with N cases and their events, in-process: a SQLite file by default, or a private PostgreSQL server
/// (<see cref="PostgresInstance"/>) with <c>--provider postgres</c>. Prints one JSON object on its last line:
/// <c>cases</c>, <c>events</c>, <c>provider</c>, <c>overviewP50Ms</c>, <c>overviewP99Ms</c>, and the seed's and the
/// rebuild's times.
/// </summary>
/// <remarks>
/// The seed writes rows straight into the tables (N cases through the intake writer would take hours and measure the
/// writer): <see cref="DashboardSeed"/> generates the same rows for both providers, <see cref="SqliteDashboardSeed"/>
/// writes them with prepared INSERTs, <see cref="PostgresDashboardSeed"/> with binary COPY. Then the rollups are built as
/// an operator would, by <see cref="RebuildRollups"/> (<c>trustdesk metrics rebuild</c>), and its time is reported too.
/// </remarks>
internal static class DashboardBench
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var cases = 1_000_000;
        var days = 365;
        var seconds = 20;
        var keep = false;
        var postgres = false;
        string? reuse = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data" when i + 1 < args.Length:
                    // A directory a run kept (--keep-data): measure again without seeding and rebuilding.
                    reuse = args[++i];
                    keep = true;
                    break;
                case "--cases" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
                    cases = n;
                    i++;
                    break;
                case "--days" when i + 1 < args.Length && int.TryParse(args[i + 1], out var d) && d >= 30:
                    days = d;
                    i++;
                    break;
                case "--seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], out var s) && s > 0:
                    seconds = s;
                    i++;
                    break;
                case "--keep-data":
                    keep = true;
                    break;
                case "--provider" when i + 1 < args.Length && args[i + 1] is "sqlite" or "postgres":
                    postgres = args[++i] == "postgres";
                    break;
                default:
                    await Console.Error.WriteLineAsync($"Unknown or incomplete option '{args[i]}'. Usage: trustdesk-bench dashboard --cases N [--days D] [--seconds S] [--provider sqlite|postgres] [--keep-data]");
                    return 2;
            }
        }

        if (postgres && keep)
        {
            // The private server goes with the run; there is nothing to keep or to measure again.
            await Console.Error.WriteLineAsync("--keep-data and --data are for SQLite only.");
            return 2;
        }

        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var dataDirectory = reuse ?? Path.Combine(Path.GetTempPath(), "trustdesk-dashboard-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDirectory);
        PostgresInstance? server = null;
        string? connectionString = null;
        List<string> appArgs = ["--TrustDesk:DataDirectory=" + dataDirectory, "--Sla:MonitorEnabled=false"];
        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            if (postgres)
            {
                // Durable as production (fsync on); room for the load's WAL so it does not checkpoint every few seconds.
                Console.WriteLine("Starting a private PostgreSQL (max_wal_size=4GB, otherwise default settings)");
                server = await PostgresInstance.StartAsync(["max_wal_size=4GB"], cancellationToken);
                connectionString = await server.CreateDatabaseAsync("trustdesk", cancellationToken);
                appArgs.AddRange(["--TrustDesk:Database:Provider=postgres", "--ConnectionStrings:TrustDesk=" + connectionString]);
            }

            app = TrustDeskApp.Build([.. appArgs], oneShot: true);
        }
        catch
        {
            // Not yet inside the try below: stop the private server here rather than leave it running.
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            throw;
        }

        try
        {
            var now = DateTime.UtcNow;
            var seedWatch = Stopwatch.StartNew();
            long events;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
                await DatabaseMigrator.MigrateAsync(db, cancellationToken);
                if (reuse is null)
                {
                    events = connectionString is null
                        ? await SqliteDashboardSeed.SeedAsync(db, cases, days, now, cancellationToken)
                        : await PostgresDashboardSeed.SeedAsync(connectionString, await DashboardSeed.KindsAsync(db, cancellationToken), cases, days, now, cancellationToken);
                }
                else
                {
                    cases = await db.Set<TrustDesk.Cases.Case>().CountAsync(cancellationToken);
                    events = await db.Set<TrustDesk.Cases.CaseEvent>().LongCountAsync(cancellationToken);
                    now = (await db.Set<TrustDesk.Cases.Case>().MaxAsync(c => c.CreatedAt, cancellationToken)).AddMinutes(1);
                }
            }

            var seedSeconds = seedWatch.Elapsed.TotalSeconds;
            Console.WriteLine($"Seeded {cases:N0} cases and {events:N0} events in {seedSeconds:F1} s ({(server is null ? dataDirectory : $"PostgreSQL on port {server.Port}")})");

            RebuildRollups.Rebuilt rebuilt;
            if (reuse is not null)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var rows = await scope.ServiceProvider.GetRequiredService<TrustDeskDb>().MetricRollups.LongCountAsync(cancellationToken);
                rebuilt = new RebuildRollups.Rebuilt(cases, events, rows, TimeSpan.Zero);
            }
            else
            {
                await using var scope = app.Services.CreateAsyncScope();
                var lastShown = -1;
                var progress = new Progress(p =>
                {
                    var tenth = p.TotalCases == 0 ? 10 : (int)(p.Cases * 10 / p.TotalCases);
                    if (tenth != lastShown)
                    {
                        lastShown = tenth;
                        Console.WriteLine($"  rebuilding rollups: {p.Cases:N0} / {p.TotalCases:N0} cases");
                    }
                });
                rebuilt = await scope.ServiceProvider.GetRequiredService<RebuildRollups>().RunAsync(progress, cancellationToken);
                Console.WriteLine($"Rebuilt {rebuilt.Rows:N0} rollup rows from {rebuilt.Events:N0} events in {rebuilt.Took.TotalSeconds:F1} s");
            }

            var query = new MetricsQuery(From: now.AddDays(-30).ToString("O"), To: now.ToString("O"));
            var samples = new List<double>();
            MetricsOverview? last = null;
            var clock = Stopwatch.StartNew();
            TimeSpan? cpuAtStart = null;
            var warmup = TimeSpan.FromSeconds(Math.Min(5, Math.Max(1, seconds / 4)));
            while (clock.Elapsed < warmup + TimeSpan.FromSeconds(seconds) && !cancellationToken.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    var result = await scope.ServiceProvider.GetRequiredService<GetOverview>().HandleAsync(query, cancellationToken);
                    last = ((GetOverview.Done)result).Overview;
                }

                if (clock.Elapsed >= warmup)
                {
                    cpuAtStart ??= Environment.CpuUsage.TotalTime;
                    samples.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            // The process's CPU per overview: what the query costs, whatever else the machine is doing (the wall times above
            // include waiting for a core).
            var cpuPerOverview = cpuAtStart is { } cpu0 && samples.Count > 1 ? (Environment.CpuUsage.TotalTime - cpu0).TotalMilliseconds / (samples.Count - 1) : double.NaN;
            Console.WriteLine($"Overview of the last 30 days: {last!.Open:N0} open, {last.Created:N0} created, {last.Solved:N0} solved, " +
                $"first reply p50 {last.FirstReplyP50Minutes} min, SLA attainment {last.SlaAttainment:P1}, CSAT {last.CsatAverage}");
            var summary = new
            {
                cases,
                events,
                days,
                provider = postgres ? "postgres" : "sqlite",
                seconds,
                overviewSamples = samples.Count,
                overviewP50Ms = Percentile(samples, 0.50),
                overviewP99Ms = Percentile(samples, 0.99),
                overviewMaxMs = Math.Round(samples.DefaultIfEmpty(double.NaN).Max(), 3),
                overviewCpuMs = Math.Round(cpuPerOverview, 2),
                open = last.Open,
                created30d = last.Created,
                rollupRows = rebuilt.Rows,
                seedSeconds = Math.Round(seedSeconds, 1),
                rebuildSeconds = Math.Round(rebuilt.Took.TotalSeconds, 1),
                cores = Environment.ProcessorCount,
            };
            Console.WriteLine(JsonSerializer.Serialize(summary));
            return 0;
        }
        finally
        {
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            if (server is not null)
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                await server.DisposeAsync();
            }

            if (!keep)
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            else
            {
                Console.Error.WriteLine($"Kept {dataDirectory}");
            }
        }
    }

    private sealed class Progress(Action<RebuildRollups.Progress> report) : IProgress<RebuildRollups.Progress>
    {
        public void Report(RebuildRollups.Progress value) => report(value);
    }

    private static double Percentile(List<double> samples, double share)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToList();
        return Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(share * sorted.Count) - 1)], 3);
    }
}
