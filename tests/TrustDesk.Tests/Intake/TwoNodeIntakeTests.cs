using System.Net;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Subjects;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Intake;

/// <summary>
/// Two TrustDesk nodes over one PostgreSQL database take a live stream's mass reports at once: the case triage exists
/// for. Every report must be accepted and stored, and the reports about one problem must land in one case.
/// </summary>
public sealed class TwoNodeIntakeTests(PostgresServer server)
{
    private const int Rounds = 30;
    private const int ReportsPerRound = 8;

    [Fact]
    public async Task SubmitReport_SameStreamOnTwoNodesAtOnce_OneCaseEveryReportStoredNoError()
    {
        var cancel = TestContext.Current.CancellationToken;
        var database = await server.CreateDatabaseAsync();
        await using var nodeA = new TrustDeskFactory(Provider.Postgres, database);
        await using var nodeB = new TrustDeskFactory(Provider.Postgres, database);
        _ = nodeA.Server;
        _ = nodeB.Server;
        var key = await nodeA.CreateApiKeyAsync("reports:write", "events:write", "cases:read");
        using var clientA = nodeA.CreateClient();
        using var clientB = nodeB.CreateClient();
        clientA.DefaultRequestHeaders.Authorization = new("Bearer", key);
        clientB.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var run = Guid.NewGuid().ToString("N")[..8];

        var failures = new List<string>();
        var acknowledged = new List<(int Round, Guid ReportId, long CaseId)>();
        for (var round = 0; round < Rounds; round++)
        {
            // A stream nobody reported before, so both nodes race to create its subject and open its case; every third
            // round the stream goes live through node B while the reports come in (the case's live flag changes too);
            // reporters repeat within a round, so both nodes also race to link the same reporter.
            var stream = $"s-{run}-{round}";
            var sends = Enumerable.Range(0, ReportsPerRound).Select(i => SendAsync(i % 2 == 0 ? clientA : clientB, "/api/v1/reports", new
            {
                subject = new { kind = "livestream", externalId = stream },
                reporter = new { kind = "account", externalId = $"u-{run}-{round}-{i % 3}" },
                category = "conduct.harassment",
                text = $"The host keeps insulting viewers in chat (report {i} of round {round}).",
            })).ToList();
            if (round % 3 == 0)
            {
                sends.Add(SendAsync(clientB, "/api/v1/events", new
                {
                    id = $"e-{stream}",
                    type = "stream.started",
                    occurredAt = DateTimeOffset.UtcNow,
                    subjects = new[] { new { kind = "livestream", externalId = stream, role = "stream" } },
                }));
            }

            foreach (var (status, body, url) in await Task.WhenAll(sends))
            {
                if (status is not (HttpStatusCode.Created or HttpStatusCode.OK))
                {
                    failures.Add($"round {round} {url}: {(int)status} {body}");
                }
                else if (url.EndsWith("reports", StringComparison.Ordinal))
                {
                    var json = System.Text.Json.JsonDocument.Parse(body).RootElement;
                    acknowledged.Add((round, json.GetProperty("reportId").GetGuid(), json.GetProperty("caseId").GetInt64()));
                }
            }
        }

        Assert.Empty(failures);
        Assert.Equal(Rounds * ReportsPerRound, acknowledged.Count);
        await nodeA.WithDbAsync(async db =>
        {
            var streams = await db.Subjects.AsNoTracking().Where(s => s.Kind == SubjectKind.Livestream && s.ExternalId.StartsWith($"s-{run}-"))
                .Select(s => new { s.Id, s.ExternalId }).ToListAsync(cancel);
            Assert.Equal(Rounds, streams.Count);
            var streamIds = streams.Select(s => s.Id).ToList();
            var cases = await db.Cases.AsNoTracking().Where(c => c.PrimarySubjectId != null && streamIds.Contains(c.PrimarySubjectId.Value))
                .Select(c => new { c.Id, c.PrimarySubjectId, c.ClusterKey, c.ReportCount }).ToListAsync(cancel);

            // One open case per stream (one cluster key each), holding all eight reports of its round.
            Assert.Equal(Rounds, cases.Count);
            Assert.All(cases, c => Assert.NotNull(c.ClusterKey));
            Assert.Equal(Rounds, cases.Select(c => c.ClusterKey).Distinct().Count());
            Assert.All(cases, c => Assert.Equal(ReportsPerRound, c.ReportCount));
            foreach (var round in acknowledged.GroupBy(a => a.Round))
            {
                Assert.Single(round.Select(a => a.CaseId).Distinct());
            }

            // Every acknowledged report is stored, in the case it was acknowledged with.
            var reportIds = acknowledged.Select(a => a.ReportId).ToList();
            var stored = await db.Reports.AsNoTracking().Where(r => reportIds.Contains(r.Id)).Select(r => new { r.Id, r.CaseId }).ToListAsync(cancel);
            Assert.Equal(acknowledged.Count, stored.Count);
            Assert.All(acknowledged, a => Assert.Equal(a.CaseId, stored.Single(r => r.Id == a.ReportId).CaseId));

            // Each reporter is linked to its case once, whichever node linked it first.
            var links = await db.CaseSubjects.AsNoTracking().Where(l => cases.Select(c => c.Id).Contains(l.CaseId) && l.Role == SubjectRole.Reporter)
                .GroupBy(l => new { l.CaseId, l.SubjectId }).Select(g => g.Count()).ToListAsync(cancel);
            Assert.Equal(Rounds * 3, links.Count);
            Assert.All(links, count => Assert.Equal(1, count));
            return 0;
        });
    }

    private static async Task<(HttpStatusCode Status, string Body, string Url)> SendAsync(HttpClient client, string url, object body)
    {
        using var response = await client.PostJsonAsync(url, body);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), url);
    }
}
