using System.Net;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Audit;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Audit;

/// <summary>The audit trail on both providers: what it records, its API, its chain under concurrent writers, append-only.</summary>
public abstract class AuditTrailTests(TrustDeskFactory app)
{
    private async Task<long> ReportAsync(string text)
    {
        var platform = await app.CreateApiClientAsync();
        var json = await (await platform.PostJsonAsync("/api/v1/reports",
            new { subject = new { kind = "account", externalId = "audit-" + Guid.NewGuid().ToString("N")[..8] }, category = "conduct.harassment", text }))
            .ExpectAsync(HttpStatusCode.Created);
        return json.Long("caseId");
    }

    [Fact]
    public async Task CaseChangesAndReveals_AreRecordedWithWhoWhatWhenWhere_AndTheChainVerifies()
    {
        var id = await ReportAsync("Insults in chat.");
        var agent = await app.CreateUserAsync(UserRole.Agent);
        var client = await app.CreateSessionClientAsync(agent.Id);

        await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new { severity = "S2", status = "open" })).ExpectAsync(HttpStatusCode.OK);
        await (await client.PostJsonAsync($"/api/v1/cases/{id}/reveal", new { reason = "need to call the reporter back" })).ExpectAsync(HttpStatusCode.OK);

        var auditor = await app.CreateUserClientAsync(UserRole.Auditor);
        var page = await auditor.GetJsonAsync($"/api/v1/audit?targetType=case&targetId={id}");
        var entries = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(entries, e => e.Str("action") == "case.created" && e.Str("actorType") == "api_key");
        var severity = Assert.Single(entries, e => e.Str("action") == "case.severity_changed");
        Assert.Equal(agent.Id.ToString(), severity.Str("actorId"));
        Assert.Equal("from S3 to S2", severity.Str("detail"));
        var reveal = Assert.Single(entries, e => e.Str("action") == "personal_data.revealed");
        Assert.Contains("need to call the reporter back", reveal.Str("detail"), StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - reveal.GetProperty("at").GetDateTime().ToUniversalTime() < TimeSpan.FromMinutes(5));
        var verification = await app.WithDbAsync(db => VerifyAuditChain.VerifyAsync(db, CancellationToken.None));
        Assert.True(verification.Intact, verification.Problem);
    }

    [Fact]
    public async Task AuditApi_FiltersByActionPrefix_AndPagesWithoutGapsOrRepeats()
    {
        for (var i = 0; i < 5; i++)
        {
            await ReportAsync("Page filler " + i);
        }

        var admin = await app.CreateUserClientAsync(UserRole.Admin);
        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var page = await admin.GetJsonAsync("/api/v1/audit?action=case.&limit=3" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e =>
            {
                Assert.StartsWith("case.", e.Str("action"), StringComparison.Ordinal);
                return e.Long("sequence");
            }));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.True(seen.Count >= 10);
        Assert.Equal(seen.OrderDescending(), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        await (await admin.GetAsync("/api/v1/audit?limit=0", TestContext.Current.CancellationToken)).ExpectProblemAsync(HttpStatusCode.BadRequest, "limit");
        await (await admin.GetAsync("/api/v1/audit?cursor=nonsense", TestContext.Current.CancellationToken)).ExpectProblemAsync(HttpStatusCode.BadRequest, "cursor");
    }

    [Fact]
    public async Task ConcurrentWriters_KeepTheChainOneLine()
    {
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await ReportAsync("Concurrent " + i));
        }

        var clients = new List<HttpClient>();
        for (var i = 0; i < 4; i++)
        {
            clients.Add(await app.CreateUserClientAsync(UserRole.Specialist));
        }

        var before = await app.WithDbAsync(db => db.AuditEntries.CountAsync());

        var succeeded = 0;
        await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            var client = clients[i % clients.Count];
            var response = i % 2 == 0
                ? await client.PostJsonAsync($"/api/v1/cases/{ids[i % ids.Count]}/reveal", new { reason = "parallel check " + i })
                : await client.PostJsonAsync($"/api/v1/cases/{ids[i % ids.Count]}/messages", new { type = "note", text = "note " + i });
            // Two notes on one case at once: the loser of the race on the case's version adds its note again inside the
            // server (no If-Match was sent, so no 412), and the chain never forks.
            Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref succeeded);
            }
        }));

        var verification = await app.WithDbAsync(db => VerifyAuditChain.VerifyAsync(db, CancellationToken.None));
        Assert.True(verification.Intact, verification.Problem);
        Assert.True(succeeded >= 12);
        Assert.True(verification.Entries >= before + succeeded);
    }

    [Fact]
    public async Task DirectUpdateOrDelete_IsRefusedByTheDatabase()
    {
        await ReportAsync("Something to audit.");

        var update = await Record.ExceptionAsync(() => app.WithDbAsync(db =>
            db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEntries\" SET \"Detail\" = 'edited' WHERE \"Sequence\" = 1")));
        var delete = await Record.ExceptionAsync(() => app.WithDbAsync(db =>
            db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditEntries\" WHERE \"Sequence\" = 1")));

        Assert.Contains("append-only", update?.Message ?? "", StringComparison.Ordinal);
        Assert.Contains("append-only", delete?.Message ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_CannotReadTheAuditTrail()
    {
        var agent = await app.CreateUserClientAsync(UserRole.Agent);

        await agent.GetJsonAsync("/api/v1/audit", HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteAuditTrailTests(SqliteApp app) : AuditTrailTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresAuditTrailTests(PostgresApp app) : AuditTrailTests(app.Factory), IClassFixture<PostgresApp>;
