using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Cases;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Data;

/// <summary>
/// A node whose PostgreSQL goes away (a restart) and comes back, while reports keep arriving. On a PostgreSQL server of
/// this test's own: stopping the shared one would fail every other test class.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task PostgresRestart_ReadyzNotReadyUntilBack_IntakeResumesAndNothingAcknowledgedIsLost()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        var stopped = false;
        try
        {
            await using var node = new TrustDeskFactory(Provider.Postgres, await postgres.CreateDatabaseAsync(), captureLogs: true);
            using var client = await node.CreateApiClientAsync("reports:write", "cases:read");
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz", cancel)).StatusCode);

            // Reports keep coming the whole time, as a platform keeps sending them: before, during and after the outage.
            using var stopSending = new CancellationTokenSource();
            var answers = new List<(HttpStatusCode Status, Guid? ReportId, string Body)>();
            var sending = SendUntilStoppedAsync(client, answers, stopSending.Token);
            await WaitUntilAsync(() => Count(answers, HttpStatusCode.Created) >= 20, "20 reports acknowledged before the outage");

            await postgres.StopAsync();
            stopped = true;
            await WaitForReadyzAsync(client, HttpStatusCode.ServiceUnavailable);
            using var refused = await client.PostJsonAsync("/api/v1/reports", Report("while-down"));
            var acknowledgedBeforeRestart = Count(answers, HttpStatusCode.Created);
            await postgres.StartAsync();
            stopped = false;
            await WaitForReadyzAsync(client, HttpStatusCode.OK);

            // Once ready, every report is taken again, the first one included.
            for (var i = 0; i < 10; i++)
            {
                await (await client.PostJsonAsync("/api/v1/reports", Report($"after-{i}"))).ExpectAsync(HttpStatusCode.Created);
            }

            await WaitUntilAsync(() => Count(answers, HttpStatusCode.Created) >= acknowledgedBeforeRestart + 20, "20 more reports acknowledged after the outage");
            await stopSending.CancelAsync();
            await sending;

            // While the database was away a report was refused as "try again" (never acknowledged, never a client error).
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            List<(HttpStatusCode Status, Guid? ReportId, string Body)> all;
            lock (answers)
            {
                all = [.. answers];
            }

            Assert.All(all, a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"{(int)a.Status} {a.Body}"));
            Assert.Contains(all, a => a.Status == HttpStatusCode.ServiceUnavailable);

            // Every acknowledged report is stored.
            var acknowledged = all.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.ReportId!.Value).ToList();
            var stored = await node.WithDbAsync(db => db.Reports.AsNoTracking().Where(r => acknowledged.Contains(r.Id)).CountAsync(cancel));
            Assert.Equal(acknowledged.Count, stored);

            // The node said so once in its log, and that it was back.
            var logs = node.Logs.ToList();
            Assert.Contains(logs, line => line.StartsWith("Warning TrustDesk.Data.DatabaseOutages: Lost the database", StringComparison.Ordinal));
            Assert.Contains(logs, line => line.Contains("The database is back after", StringComparison.Ordinal));
        }
        finally
        {
            if (stopped)
            {
                await postgres.StartAsync();
            }
        }
    }

    [Fact]
    public async Task PostgresRestart_IdleConnectionsInThePool_OnlyTheFirstRequestAfterwardsFails()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        await using var node = new TrustDeskFactory(Provider.Postgres, await postgres.CreateDatabaseAsync());
        using var client = node.CreateClient();
        // Eight connections opened at once and returned: eight idle connections in the pool.
        var scopes = Enumerable.Range(0, 8).Select(_ => node.Services.CreateAsyncScope()).ToList();
        foreach (var scope in scopes)
        {
            await scope.ServiceProvider.GetRequiredService<TrustDesk.Data.TrustDeskDb>().Database.OpenConnectionAsync(cancel);
        }

        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }

        // A restart with no request meanwhile: every idle connection died with the server, and the node has not heard.
        await postgres.StopAsync();
        await postgres.StartAsync();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.GetAsync("/readyz", cancel);
            answers.Add(response.StatusCode);
        }

        // The first request to find a dead connection (this one, or the node's background work) has the pool dropped;
        // every later one gets a fresh connection. Npgsql does this (docs/operations.md relies on it): were it to stop,
        // each of the eight dead connections would fail a request of its own.
        Assert.True(answers.Count(status => status != HttpStatusCode.OK) <= 1, string.Join(", ", answers));
        Assert.Equal(HttpStatusCode.OK, answers[^1]);
    }

    private static object Report(string subject) => new
    {
        subject = new { kind = "account", externalId = $"{subject}-{Guid.NewGuid():N}"[..30] },
        reporter = new { kind = "account", externalId = "u-outage" },
        category = "order.not_received",
        text = "Paid three weeks ago and nothing arrived.",
    };

    private static async Task SendUntilStoppedAsync(HttpClient client, List<(HttpStatusCode, Guid?, string)> answers, CancellationToken stop)
    {
        // Four at a time, so the writer commits groups, and a group is in flight when the server goes.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async sender =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var response = await client.PostJsonAsync("/api/v1/reports", Report($"s{sender}-{i}"));
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                Guid? reportId = response.StatusCode == HttpStatusCode.Created ? JsonDocument.Parse(body).RootElement.GetProperty("reportId").GetGuid() : null;
                lock (answers)
                {
                    answers.Add((response.StatusCode, reportId, body));
                }

                if (response.StatusCode != HttpStatusCode.Created)
                {
                    await Task.Delay(50, CancellationToken.None);
                }
            }
        }));
    }

    private static int Count(List<(HttpStatusCode Status, Guid?, string)> answers, HttpStatusCode status)
    {
        lock (answers)
        {
            return answers.Count(a => a.Status == status);
        }
    }

    private static async Task WaitForReadyzAsync(HttpClient client, HttpStatusCode expected)
    {
        var last = (HttpStatusCode)0;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline;)
        {
            using var response = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);
            last = response.StatusCode;
            if (last == expected)
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"/readyz did not answer {(int)expected} within a minute (last: {(int)last})");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(50, TestContext.Current.CancellationToken))
        {
            if (condition())
            {
                return;
            }
        }

        Assert.Fail($"Not within a minute: {what}");
    }
}
