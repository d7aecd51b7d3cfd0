using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Data;
using TrustDesk.Metrics;
using TrustDesk.Taxonomy;

namespace TrustDesk.Bench;

/// <summary>
/// <c>dashboard --cases N</c>: the team overview for the last 30 days (<see cref="GetOverview"/>: the rollups of the
/// period, the backlog now, per queue, per agent, per day) over a SQLite file seeded with N cases and their events,
/// in-process. Prints one JSON object on its last line: <c>cases</c>, <c>events</c>, <c>overviewP50Ms</c>,
/// <c>overviewP99Ms</c>, and the seed's and the rebuild's times.
/// </summary>
/// <remarks>
/// The seed writes rows straight into the tables with prepared INSERTs, secondary indexes dropped first and built once at
/// the end (N cases through the intake writer would take hours and measure the writer): N cases over the last D days
/// (default 365), categories with their default queue and severity, 60 agents, channels report/email/chat/api 55/25/15/5 %,
/// first replies and resolutions log-normal around per-severity medians, a first-reply target per case (met in time or
/// late, a breach event when late), 3 % reopened, a fifth of the solved surveyed and two fifths of those answering; the
/// last three days' cases 40 % open, older ones 1 %. Then the rollups are built as an operator would, by
/// <see cref="RebuildRollups"/> (<c>trustdesk metrics rebuild</c>), and its time is reported too.
/// </remarks>
internal static class DashboardBench
{
    private const int Agents = 60;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var cases = 1_000_000;
        var days = 365;
        var seconds = 20;
        var keep = false;
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
                default:
                    await Console.Error.WriteLineAsync($"Unknown or incomplete option '{args[i]}'. Usage: trustdesk-bench dashboard --cases N [--days D] [--seconds S] [--keep-data]");
                    return 2;
            }
        }

        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var dataDirectory = reuse ?? Path.Combine(Path.GetTempPath(), "trustdesk-dashboard-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDirectory);
        var app = TrustDeskApp.Build(["--TrustDesk:DataDirectory=" + dataDirectory, "--Sla:MonitorEnabled=false"], oneShot: true);
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
                    events = await SeedAsync(db, cases, days, now, cancellationToken);
                }
                else
                {
                    cases = await db.Set<TrustDesk.Cases.Case>().CountAsync(cancellationToken);
                    events = await db.Set<TrustDesk.Cases.CaseEvent>().LongCountAsync(cancellationToken);
                    now = (await db.Set<TrustDesk.Cases.Case>().MaxAsync(c => c.CreatedAt, cancellationToken)).AddMinutes(1);
                }
            }

            var seedSeconds = seedWatch.Elapsed.TotalSeconds;
            Console.WriteLine($"Seeded {cases:N0} cases and {events:N0} events in {seedSeconds:F1} s ({dataDirectory})");

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
                provider = "sqlite",
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

    private static double LogNormal(Random random, double medianMinutes, double sigma)
    {
        // Box–Muller: a standard normal from two uniforms.
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return medianMinutes * Math.Exp(sigma * normal);
    }

    private sealed record Kind(string Code, int Severity, Guid Queue, double Weight);

    private static async Task<long> SeedAsync(TrustDeskDb db, int count, int days, DateTime now, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        var queues = await db.Set<TrustDesk.Queues.Queue>().AsNoTracking().ToDictionaryAsync(q => q.Name, q => q.Id, cancellationToken);
        var kinds = DefaultTaxonomy.All.Select(c => new Kind(c.Code, (int)c.DefaultSeverity, queues[c.DefaultQueue],
            c.Code.StartsWith("order.", StringComparison.Ordinal) ? 6 : c.Code == "conduct.spam" ? 5 : c.DefaultSeverity == Severity.S1 ? 0.4 : 1.5)).ToArray();
        var totalWeight = kinds.Sum(k => k.Weight);

        // Secondary indexes and triggers go while the rows go in (one sort per index at the end instead of a random insert
        // per row and index); the primary keys stay.
        var dropped = new List<string>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = """
                SELECT type, name, sql FROM sqlite_master
                WHERE tbl_name IN ('Cases', 'CaseEvents', 'CaseTargets') AND sql IS NOT NULL AND type IN ('index', 'trigger')
                """;
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            var drops = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                dropped.Add(reader.GetString(2));
                drops.Add($"DROP {reader.GetString(0).ToUpperInvariant()} \"{reader.GetString(1)}\";");
            }

            await reader.CloseAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "PRAGMA synchronous = OFF; PRAGMA journal_mode = WAL; " + string.Join(" ", drops);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }

        var random = new Random(42);
        var start = now.AddDays(-days);
        var span = (now - start).Ticks;
        // Creation times in order, so ids grow with time as they would.
        var created = new long[count];
        for (var i = 0; i < count; i++)
        {
            created[i] = start.Ticks + (long)(random.NextDouble() * span);
        }

        Array.Sort(created);
        long events = 0;
        const int chunk = 50_000;
        for (var first = 0; first < count; first += chunk)
        {
            await using var transaction = connection.BeginTransaction();
            var insertCase = Prepare(connection, transaction, """
                INSERT INTO "Cases" ("Id", "Title", "Status", "Severity", "Category", "QueueId", "Assignee", "Channel", "Band", "ReportCount",
                    "LiveNow", "Graphic", "Minor", "LegalHold", "CreatedAt", "UpdatedAt", "Version", "Tags", "SlaState", "FirstRepliedAt", "SolvedAt", "Resolution")
                VALUES ($id, $title, $status, $severity, $category, $queue, $assignee, $channel, $severity, 1,
                    0, 0, 0, 0, $created, $updated, 1, '[]', $state, $replied, $solved, $resolution)
                """, "$id", "$title", "$status", "$severity", "$category", "$queue", "$assignee", "$channel", "$created", "$updated", "$state", "$replied", "$solved", "$resolution");
            var insertEvent = Prepare(connection, transaction, """
                INSERT INTO "CaseEvents" ("Id", "CaseId", "At", "Kind", "ActorType", "ActorId", "ActorName", "From", "To", "Detail")
                VALUES ($id, $case, $at, $kind, $actorType, $actorId, $actorName, $from, $to, $detail)
                """, "$id", "$case", "$at", "$kind", "$actorType", "$actorId", "$actorName", "$from", "$to", "$detail");
            var insertTarget = Prepare(connection, transaction, """
                INSERT INTO "CaseTargets" ("Id", "CaseId", "Kind", "Calendar", "Target", "StartedAt", "Elapsed", "RunningSince", "DueAt", "MetAt", "BreachedAt")
                VALUES ($id, $case, 'first_reply', '24x7', $target, $started, '00:00:00', $running, $due, $met, $breached)
                """, "$id", "$case", "$target", "$started", "$running", "$due", "$met", "$breached");

            void Event(long caseId, DateTime at, string kind, string? agent, string? from, string? to, string? detail = null)
            {
                Set(insertEvent, Guid.CreateVersion7(at).ToString().ToUpperInvariant(), caseId, at, kind,
                    agent is null ? "system" : "user", agent ?? "trustdesk", agent ?? "TrustDesk", from, to, detail);
                insertEvent.ExecuteNonQuery();
                events++;
            }

            for (var i = first; i < Math.Min(count, first + chunk); i++)
            {
                long id = i + 1;
                var at = new DateTime(created[i], DateTimeKind.Utc);
                var pick = random.NextDouble() * totalWeight;
                var kind = kinds[^1];
                foreach (var k in kinds)
                {
                    if ((pick -= k.Weight) <= 0)
                    {
                        kind = k;
                        break;
                    }
                }

                var channelDraw = random.NextDouble();
                var channel = channelDraw < 0.55 ? "Report" : channelDraw < 0.80 ? "Email" : channelDraw < 0.95 ? "Chat" : "Api";
                var agent = random.NextDouble() < 0.85 ? $"agent{random.Next(Agents):D2}@bench.example" : null;
                var (frtMedian, resolutionMedian, targetMinutes) = kind.Severity switch
                {
                    1 => (9.0, 150.0, 15),
                    2 => (35.0, 600.0, 60),
                    3 => (170.0, 2_000.0, 480),
                    _ => (420.0, 2_900.0, 1_440),
                };
                var age = now - at;
                var stillOpen = random.NextDouble() < (age < TimeSpan.FromDays(3) ? 0.4 : 0.01);
                DateTime? replied = at.AddMinutes(LogNormal(random, frtMedian, 0.9));
                if (replied > now || (stillOpen && random.NextDouble() < 0.3))
                {
                    replied = null;
                }

                DateTime? solved = replied is { } r && !stillOpen ? r.AddMinutes(LogNormal(random, resolutionMedian, 0.8)) : null;
                if (solved > now)
                {
                    solved = null;
                }

                var status = solved is not null ? "Solved" : replied is null ? "New" : "Open";
                Set(insertCase, id, "Report about an account", status, kind.Severity, kind.Code, kind.Queue.ToString().ToUpperInvariant(),
                    agent, channel, at, solved ?? replied ?? at, 0, replied, solved, solved is null ? null : "actioned");
                insertCase.ExecuteNonQuery();

                var queueName = queues.First(q => q.Value == kind.Queue).Key;
                Event(id, at, "created", null, null, "new", $"S{kind.Severity} {kind.Code} in {queueName}");
                if (agent is not null)
                {
                    Event(id, at.AddMinutes(1 + random.Next(20)), "assigned", null, null, agent);
                }

                var due = at.AddMinutes(targetMinutes);
                DateTime? breached = (replied ?? now) > due ? due : null;
                Set(insertTarget, Guid.CreateVersion7(at).ToString().ToUpperInvariant(), id, TimeSpan.FromMinutes(targetMinutes).ToString(),
                    at, replied is null ? at : null, replied is null ? due : null, replied, breached);
                insertTarget.ExecuteNonQuery();
                if (breached is { } b && b < now)
                {
                    Event(id, b, "sla_breached", null, null, "first_reply", $"due {b:yyyy-MM-ddTHH:mm:ssZ}");
                }

                if (random.NextDouble() < 0.3)
                {
                    Event(id, at.AddMinutes(random.Next(5, 60)), "message_added", null, null, "inbound");
                }

                if (replied is { } reply)
                {
                    Event(id, reply, "status_changed", agent, "new", "open");
                    Event(id, reply, "message_added", agent, null, "outbound");
                }

                if (solved is { } s)
                {
                    Event(id, s, "status_changed", agent, "open", "solved");
                    if (random.NextDouble() < 0.03 && s.AddHours(5) < now)
                    {
                        Event(id, s.AddHours(4), "status_changed", null, "solved", "open");
                        Event(id, s.AddHours(5), "status_changed", agent, "open", "solved");
                        s = s.AddHours(5);
                    }

                    if (random.NextDouble() < 0.2 && s.AddHours(1) < now)
                    {
                        Event(id, s.AddHours(1), "csat_sent", null, null, null);
                        if (random.NextDouble() < 0.4)
                        {
                            var score = random.NextDouble() switch { < 0.05 => 1, < 0.12 => 2, < 0.25 => 3, < 0.55 => 4, _ => 5 };
                            Event(id, s.AddHours(1 + random.Next(1, 20)), "csat_received", null, null, score.ToString(CultureInfo.InvariantCulture));
                        }
                    }
                }
            }

            await transaction.CommitAsync(cancellationToken);
            insertCase.Dispose();
            insertEvent.Dispose();
            insertTarget.Dispose();
            if ((first / chunk) % 10 == 9)
            {
                Console.WriteLine($"  seeded {first + chunk:N0} cases, {events:N0} events");
            }
        }

        await using (var build = connection.CreateCommand())
        {
            build.CommandTimeout = 0;
            build.CommandText = string.Join(";\n", dropped) + ";";
            await build.ExecuteNonQueryAsync(cancellationToken);
        }

        return events;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
