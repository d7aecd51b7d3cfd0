using System.Net;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Triage;

/// <summary>The default rule pack at work inside intake, through the API, against both providers.</summary>
public abstract class TriageIntakeTests(TrustDeskFactory app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static object Event(string type, params object[] subjects) =>
        new { id = "evt-" + Guid.NewGuid(), type, occurredAt = DateTimeOffset.UtcNow, subjects };

    [Fact]
    public async Task SubmitReport_WithSelfHarmLanguage_IsAnS1CrisisCaseThatSaysWhy()
    {
        var client = await app.CreateApiClientAsync();

        var json = await (await client.PostJsonAsync("/api/v1/reports", new
        {
            subject = new { kind = "account", externalId = Unique("u") },
            category = "conduct.harassment",
            text = "After losing that auction I just want to k1ll mys3lf tonight, nobody would care",
        })).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("S1", json.Str("severity"));
        Assert.Equal("crisis", json.Str("queue"));
        Assert.Equal("safety.self_harm", json.Str("category"));
        var @case = await client.GetJsonAsync($"/api/v1/cases/{json.Long("caseId")}");
        var hit = Assert.Single(@case.GetProperty("ruleHits").EnumerateArray(), h => h.Str("rule") == "self-harm disclosure");
        Assert.False(hit.GetProperty("shadow").GetBoolean());
        Assert.Contains(hit.GetProperty("values").EnumerateArray(), v => v.GetString()!.Contains("kill myself", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("crisis", @case.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains(@case.GetProperty("messages").EnumerateArray(), m => m.Str("direction") == "internal" && m.Str("text").Contains("crisis playbook", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SubmitReport_PlainComplaint_FiresNoRule()
    {
        var client = await app.CreateApiClientAsync();

        var json = await (await client.PostJsonAsync("/api/v1/reports", new
        {
            subject = new { kind = "order", externalId = Unique("o") }, category = "order.not_received", text = "Tracking has not moved for a week.",
        })).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("S3", json.Str("severity"));
        Assert.Equal(0, (await client.GetJsonAsync($"/api/v1/cases/{json.Long("caseId")}")).GetProperty("ruleHits").GetArrayLength());
    }

    [Fact]
    public async Task FiveReportsInTenMinutesOnALiveStream_MakeOneS1CaseWithReportCountFive()
    {
        var client = await app.CreateApiClientAsync();
        var stream = Unique("ls");
        await (await client.PostJsonAsync("/api/v1/events", Event("stream.started", new { kind = "livestream", externalId = stream, role = "stream" })))
            .ExpectAsync(HttpStatusCode.OK);

        var caseIds = new HashSet<long>();
        string? severity = null;
        for (var i = 0; i < 5; i++)
        {
            var json = await (await client.PostJsonAsync("/api/v1/reports", new
            {
                subject = new { kind = "livestream", externalId = stream },
                reporter = new { kind = "account", externalId = Unique("viewer") },
                category = "conduct.harassment",
                text = "The host keeps mocking a buyer on air.",
            })).ExpectAsync(HttpStatusCode.Created);
            caseIds.Add(json.Long("caseId"));
            severity = json.Str("severity");
        }

        var @case = await client.GetJsonAsync($"/api/v1/cases/{Assert.Single(caseIds)}");
        Assert.Equal("S1", severity);
        Assert.Equal(5, @case.Int("reportCount"));
        Assert.Equal("live-response", @case.Str("queue"));
        Assert.True(@case.GetProperty("flags").GetProperty("liveNow").GetBoolean());
        var hit = Assert.Single(@case.GetProperty("ruleHits").EnumerateArray(), h => h.Str("rule") == "mass reports on a live stream");
        Assert.Contains("count(\"report\", subject, 10m) = 5", hit.GetProperty("values").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task BidByAnAccountLinkedToTheSeller_OpensAShillBiddingCaseWithAProposal()
    {
        var client = await app.CreateApiClientAsync();
        var (seller, bidder) = (Unique("seller"), Unique("bidder"));
        var device = Unique("dev");
        await (await client.PutJsonAsync("/api/v1/subjects", new
        {
            items = new object[]
            {
                new { kind = "account", externalId = seller, identifiers = new object[] { new { type = "device", value = device } } },
                new { kind = "account", externalId = bidder, identifiers = new object[] { new { type = "device", value = device } } },
            },
        })).ExpectAsync(HttpStatusCode.OK);

        await (await client.PostJsonAsync("/api/v1/events", Event("bid.placed",
            new { kind = "account", externalId = bidder, role = "bidder" }, new { kind = "account", externalId = seller, role = "seller" })))
            .ExpectAsync(HttpStatusCode.OK);

        var cases = await client.GetJsonAsync($"/api/v1/cases?subject=account:{bidder}");
        var summary = Assert.Single(cases.GetProperty("items").EnumerateArray());
        Assert.Equal("auction.shill_bidding", summary.Str("category"));
        Assert.Equal("S2", summary.Str("severity"));
        var @case = await client.GetJsonAsync($"/api/v1/cases/{summary.Long("id")}");
        var proposal = Assert.Single(@case.GetProperty("proposals").EnumerateArray());
        Assert.Equal("suspend", proposal.Str("action"));
        Assert.Equal($"account:{bidder}", proposal.Str("target"));
        Assert.Equal("proposed", proposal.Str("status"));
    }

    [Fact]
    public async Task ReportAboutAnAccountSharingADeviceWithABannedOne_IsBanEvasionWithAProposal()
    {
        var client = await app.CreateApiClientAsync();
        var (banned, fresh, device) = (Unique("banned"), Unique("fresh"), Unique("dev"));
        await (await client.PutJsonAsync("/api/v1/subjects", new
        {
            items = new object[]
            {
                new { kind = "account", externalId = banned, status = "banned", identifiers = new object[] { new { type = "device", value = device } } },
                new { kind = "account", externalId = fresh, identifiers = new object[] { new { type = "device", value = device } } },
            },
        })).ExpectAsync(HttpStatusCode.OK);

        var json = await (await client.PostJsonAsync("/api/v1/reports", new
        {
            subject = new { kind = "account", externalId = fresh },
            text = "This seller looks exactly like the one that was banned last month.",
        })).ExpectAsync(HttpStatusCode.Created);

        var @case = await client.GetJsonAsync($"/api/v1/cases/{json.Long("caseId")}");
        Assert.Equal("payments.ban_evasion", @case.Str("category"));
        var hit = Assert.Single(@case.GetProperty("ruleHits").EnumerateArray(), h => h.Str("rule") == "account linked to a banned account");
        Assert.Contains(banned, hit.ToString(), StringComparison.Ordinal);
        Assert.Equal("suspend", Assert.Single(@case.GetProperty("proposals").EnumerateArray()).Str("action"));
    }

    [Fact]
    public async Task BidByAnUnrelatedAccount_OpensNoCase()
    {
        var client = await app.CreateApiClientAsync();
        var (seller, bidder) = (Unique("seller"), Unique("bidder"));

        await (await client.PostJsonAsync("/api/v1/events", Event("bid.placed",
            new { kind = "account", externalId = bidder, role = "bidder" }, new { kind = "account", externalId = seller, role = "seller" })))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(0, (await client.GetJsonAsync($"/api/v1/cases?subject=account:{bidder}")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task TrackingNumberOnTwoShipments_OpensAFakeTrackingCaseAboutTheSeller()
    {
        var client = await app.CreateApiClientAsync();
        var seller = Unique("seller");
        var tracking = "1Z" + Guid.NewGuid().ToString("N")[..14];
        foreach (var shipment in new[] { Unique("sh"), Unique("sh") })
        {
            await (await client.PostJsonAsync("/api/v1/events", new
            {
                id = "evt-" + Guid.NewGuid(), type = "shipment.label_created", occurredAt = DateTimeOffset.UtcNow,
                subjects = new object[] { new { kind = "shipment", externalId = shipment, role = "shipment" }, new { kind = "account", externalId = seller, role = "seller" } },
                data = new { trackingNumber = tracking },
            })).ExpectAsync(HttpStatusCode.OK);
        }

        var cases = await client.GetJsonAsync($"/api/v1/cases?subject=account:{seller}");

        Assert.Equal("payments.fake_tracking", Assert.Single(cases.GetProperty("items").EnumerateArray()).Str("category"));
    }
}

public sealed class SqliteTriageIntakeTests(SqliteApp app) : TriageIntakeTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresTriageIntakeTests(PostgresApp app) : TriageIntakeTests(app.Factory), IClassFixture<PostgresApp>;
