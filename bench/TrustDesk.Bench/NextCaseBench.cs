using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.AgentConsole;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Queues;
using TrustDesk.Api;

namespace TrustDesk.Bench;

/// <summary>
/// <c>next-case</c>: the agent's <c>n</c> (<see cref="LoadInbox.NextCaseAsync"/>) and a page of 50 by due time
/// (<see cref="ListCases"/>, sort=due) over a SQLite file seeded with N open cases across 20 queues, in-process: the
/// figures are the use cases' own (query, access check, mapping), without HTTP. Prints one JSON object on its last line.
/// </summary>
/// <remarks>
/// The seed writes rows straight into the tables with one prepared INSERT (a million cases through the writer would take
/// minutes and measure the writer, not this): severities 5/15/50/30 % S1–S4, due times from two hours past (breached) to
/// five days ahead, a tenth waiting for the user (no due time), a third held by other agents, and a resolution target per
/// case. The columns are those the migrations create; the bench fails loudly if they change.
/// </remarks>
internal static class NextCaseBench
{
    public static async Task<int> RunAsync(int openCases, int seconds, bool keepData, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "trustdesk-nextcase-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDirectory);
        var app = TrustDeskApp.Build(["--TrustDesk:DataDirectory=" + dataDirectory, "--Sla:MonitorEnabled=false"], oneShot: true);
        try
        {
            ClaimsPrincipal agent;
            var seedWatch = Stopwatch.StartNew();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
                await DatabaseMigrator.MigrateAsync(db, cancellationToken);
                await SeedAsync(db, openCases, cancellationToken);
                var email = "bench-agent@staff.example";
                var created = await scope.ServiceProvider.GetRequiredService<CreateUser>().HandleAsync(
                    new CreateUserRequest(email, UserRole.Agent, null, null), null, false,
                    AuditRecords.BySystem(DateTime.UtcNow, "", null, null, "bench"), cancellationToken);
                var user = await scope.ServiceProvider.GetRequiredService<UserManager<TrustDeskUser>>().FindByEmailAsync(email)
                    ?? throw new InvalidOperationException($"The bench agent was not created: {created}.");
                agent = UserPrincipal.Create(user, "done", "session", "Session", Guid.NewGuid());
            }

            Console.WriteLine($"Seeded {openCases:N0} open cases in {seedWatch.Elapsed.TotalSeconds:F1} s ({dataDirectory})");

            var nextCase = new List<double>();
            var pageByDue = new List<double>();
            var deadline = Stopwatch.StartNew();
            var warmup = TimeSpan.FromSeconds(Math.Min(5, Math.Max(1, seconds / 4)));
            long? from = null;
            string? cursor = null;
            var pages = 0;
            while (deadline.Elapsed < warmup + TimeSpan.FromSeconds(seconds) && !cancellationToken.IsCancellationRequested)
            {
                var measuring = deadline.Elapsed >= warmup;
                var watch = Stopwatch.StartNew();
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    from = await scope.ServiceProvider.GetRequiredService<LoadInbox>().NextCaseAsync(agent, cancellationToken, from);
                }

                if (measuring)
                {
                    nextCase.Add(watch.Elapsed.TotalMilliseconds);
                }

                watch.Restart();
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    // The first page and the pages after it, 20 deep, then the first again: what an inbox sorted by due time reads.
                    var result = await scope.ServiceProvider.GetRequiredService<ListCases>().HandleAsync(
                        new ListCasesQuery(null, null, null, null, null, null, null, "due", 50, cursor), agent, cancellationToken);
                    var page = ((ListCases.Listed)result).Page;
                    cursor = ++pages % 20 == 0 ? null : page.NextCursor;
                }

                if (measuring)
                {
                    pageByDue.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            var summary = new
            {
                openCases,
                queues = 20,
                seconds,
                nextCaseSamples = nextCase.Count,
                nextCaseP50Ms = Percentile(nextCase, 0.50),
                nextCaseP99Ms = Percentile(nextCase, 0.99),
                pageByDueSamples = pageByDue.Count,
                pageByDueP50Ms = Percentile(pageByDue, 0.50),
                pageByDueP99Ms = Percentile(pageByDue, 0.99),
                seedSeconds = Math.Round(seedWatch.Elapsed.TotalSeconds, 1),
                provider = "sqlite",
                cores = Environment.ProcessorCount,
            };
            Console.WriteLine(JsonSerializer.Serialize(summary));
            return 0;
        }
        finally
        {
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            if (!keepData)
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
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

    private static async Task SeedAsync(TrustDeskDb db, int openCases, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using (var pragma = connection.CreateCommand())
        {
            // Seeding only: the file is thrown away after the run, and its titles are never searched (the full-text trigger
            // would double the seed's time).
            pragma.CommandText = "PRAGMA synchronous = OFF; DROP TRIGGER IF EXISTS Cases_Search_Insert;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }

        var queues = DefaultQueues.All.Select(q => q.Id).ToList();
        await using (var transaction = connection.BeginTransaction())
        {
            for (var i = queues.Count; i < 20; i++)
            {
                var id = Guid.CreateVersion7();
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO \"Queues\" (\"Id\", \"Name\", \"Description\") VALUES ($id, $name, 'bench')";
                insert.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
                insert.Parameters.AddWithValue("$name", $"bench-{i}");
                await insert.ExecuteNonQueryAsync(cancellationToken);
                queues.Add(id);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        var random = new Random(17);
        var now = DateTime.UtcNow;
        const int chunk = 50_000;
        for (var start = 0; start < openCases; start += chunk)
        {
            await using var transaction = connection.BeginTransaction();
            await using var cases = connection.CreateCommand();
            cases.Transaction = transaction;
            cases.CommandText = """
                INSERT INTO "Cases" ("Id", "Title", "Status", "Severity", "Category", "QueueId", "Assignee", "Channel", "Band", "ReportCount",
                    "LiveNow", "Graphic", "Minor", "LegalHold", "CreatedAt", "UpdatedAt", "Version", "Tags", "DueAt", "SlaCheckAt", "SlaState")
                VALUES ($id, $title, $status, $severity, 'conduct.spam', $queue, $assignee, 'Report', $severity, 1,
                    0, 0, 0, 0, $created, $created, 1, '[]', $due, $check, $state)
                """;
            var pId = cases.Parameters.Add("$id", SqliteType.Integer);
            var pTitle = cases.Parameters.Add("$title", SqliteType.Text);
            var pStatus = cases.Parameters.Add("$status", SqliteType.Text);
            var pSeverity = cases.Parameters.Add("$severity", SqliteType.Integer);
            var pQueue = cases.Parameters.Add("$queue", SqliteType.Text);
            var pAssignee = cases.Parameters.Add("$assignee", SqliteType.Text);
            var pCreated = cases.Parameters.Add("$created", SqliteType.Text);
            var pDue = cases.Parameters.Add("$due", SqliteType.Text);
            var pCheck = cases.Parameters.Add("$check", SqliteType.Text);
            var pState = cases.Parameters.Add("$state", SqliteType.Integer);
            await using var targets = connection.CreateCommand();
            targets.Transaction = transaction;
            targets.CommandText = """
                INSERT INTO "CaseTargets" ("Id", "CaseId", "Kind", "Calendar", "Target", "StartedAt", "Elapsed", "RunningSince", "DueAt")
                VALUES ($id, $case, 'resolution', '24x7', '1.00:00:00', $created, '00:00:00', $running, $due)
                """;
            var tId = targets.Parameters.Add("$id", SqliteType.Text);
            var tCase = targets.Parameters.Add("$case", SqliteType.Integer);
            var tCreated = targets.Parameters.Add("$created", SqliteType.Text);
            var tRunning = targets.Parameters.Add("$running", SqliteType.Text);
            var tDue = targets.Parameters.Add("$due", SqliteType.Text);

            for (var i = start; i < Math.Min(openCases, start + chunk); i++)
            {
                var roll = random.Next(100);
                var severity = roll < 5 ? 1 : roll < 20 ? 2 : roll < 70 ? 3 : 4;
                var waiting = random.Next(10) == 0;
                var created = now.AddMinutes(-random.Next(60 * 24 * 30));
                DateTime? due = waiting ? null : now.AddMinutes(random.Next(-120, 60 * 24 * 5));
                pId.Value = i + 1L;
                pTitle.Value = $"Bench case {i + 1}";
                pStatus.Value = waiting ? "PendingUser" : random.Next(2) == 0 ? "New" : "Open";
                pSeverity.Value = severity;
                pQueue.Value = queues[i % queues.Count].ToString().ToUpperInvariant();
                pAssignee.Value = random.Next(3) == 0 ? $"agent{random.Next(200)}@staff.example" : DBNull.Value;
                pCreated.Value = Sqlite(created);
                pDue.Value = due is { } d ? Sqlite(d) : DBNull.Value;
                pCheck.Value = due is { } c && c > now ? Sqlite(c.AddMinutes(-30)) : DBNull.Value;
                pState.Value = due is null ? (int)CaseSlaState.Ok : due <= now ? (int)CaseSlaState.Breached : (int)CaseSlaState.Ok;
                await cases.ExecuteNonQueryAsync(cancellationToken);

                tId.Value = Guid.CreateVersion7(created).ToString().ToUpperInvariant();
                tCase.Value = i + 1L;
                tCreated.Value = Sqlite(created);
                tRunning.Value = waiting ? DBNull.Value : Sqlite(created);
                tDue.Value = due is { } td ? Sqlite(td) : DBNull.Value;
                await targets.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    // As EF Core's SQLite provider writes a DateTime.
    private static string Sqlite(DateTime value) => value.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
}
