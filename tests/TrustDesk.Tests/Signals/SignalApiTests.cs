using System.Net;
using System.Text.Json;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Signals;

/// <summary>Signals, the linked-accounts graph and live-now, through the API, against both providers.</summary>
public abstract class SignalApiTests(TrustDeskFactory app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static object Event(string type, DateTimeOffset at, params object[] subjects) =>
        new { id = "evt-" + Guid.NewGuid(), type, occurredAt = at, subjects };

    private static double Signal(JsonElement signals, string name) =>
        signals.EnumerateArray().Single(s => s.Str("name") == name).GetProperty("value").GetDouble();

    [Fact]
    public async Task Signals_CountEventsPerRoleInTheirWindow()
    {
        var client = await app.CreateApiClientAsync();
        var seller = Unique("seller");
        var now = DateTimeOffset.UtcNow;
        var events = new List<object>();
        for (var i = 0; i < 10; i++)
        {
            events.Add(Event("order.placed", now.AddDays(-i), new { kind = "order", externalId = Unique("o"), role = "order" }, new { kind = "account", externalId = seller, role = "seller" }));
        }

        events.Add(Event("shipment.late", now.AddHours(-3), new { kind = "shipment", externalId = Unique("sh"), role = "shipment" }, new { kind = "account", externalId = seller, role = "seller" }));
        events.Add(Event("shipment.late", now.AddDays(-2), new { kind = "shipment", externalId = Unique("sh"), role = "shipment" }, new { kind = "account", externalId = seller, role = "seller" }));
        // Outside the 30-day window: not counted.
        events.Add(Event("shipment.late", now.AddDays(-45), new { kind = "shipment", externalId = Unique("sh"), role = "shipment" }, new { kind = "account", externalId = seller, role = "seller" }));
        await (await client.PostJsonAsync("/api/v1/events", events)).ExpectAsync(HttpStatusCode.OK);

        var signals = await client.GetJsonAsync($"/api/v1/subjects/account/{seller}/signals");

        Assert.Equal(10, Signal(signals, "orders_sold_30d"));
        Assert.Equal(2, Signal(signals, "late_shipments_30d"));
        Assert.Equal(0.2, Signal(signals, "late_shipping_rate_30d"), 3);
        Assert.Equal(0, Signal(signals, "chargebacks_90d"));
    }

    [Fact]
    public async Task Signals_ReportsOnAStreamCountInTenMinutes()
    {
        var client = await app.CreateApiClientAsync();
        var stream = Unique("ls");
        for (var i = 0; i < 3; i++)
        {
            await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "livestream", externalId = stream }, category = "conduct.hate", text = "Slurs." }))
                .ExpectAsync(HttpStatusCode.Created);
        }

        var signals = await client.GetJsonAsync($"/api/v1/subjects/livestream/{stream}/signals");

        Assert.Equal(3, Signal(signals, "reports_10m"));
        Assert.Equal(3, Signal(signals, "reports_24h"));
    }

    [Fact]
    public async Task Events_StreamStartedAndEnded_SetAndClearLiveNowOnItsCases()
    {
        var client = await app.CreateApiClientAsync();
        var stream = Unique("ls");
        var host = Unique("host");
        var streamRef = new { kind = "livestream", externalId = stream, role = "stream" };
        var hostRef = new { kind = "account", externalId = host, role = "host" };
        var before = await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "livestream", externalId = stream }, category = "conduct.harassment", text = "Host mocks buyers." }))
            .ExpectAsync(HttpStatusCode.Created);

        await (await client.PostJsonAsync("/api/v1/events", Event("stream.started", DateTimeOffset.UtcNow.AddMinutes(-5), streamRef, hostRef))).ExpectAsync(HttpStatusCode.OK);
        var during = await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "livestream", externalId = stream }, category = "payments.off_platform", text = "Pay me outside." }))
            .ExpectAsync(HttpStatusCode.Created);
        var live = await client.GetJsonAsync($"/api/v1/cases/{before.Long("caseId")}");
        var liveNew = await client.GetJsonAsync($"/api/v1/cases/{during.Long("caseId")}");
        await (await client.PostJsonAsync("/api/v1/events", Event("stream.ended", DateTimeOffset.UtcNow, streamRef, hostRef))).ExpectAsync(HttpStatusCode.OK);
        var ended = await client.GetJsonAsync($"/api/v1/cases/{before.Long("caseId")}");

        Assert.True(live.GetProperty("flags").GetProperty("liveNow").GetBoolean());
        Assert.True(liveNew.GetProperty("flags").GetProperty("liveNow").GetBoolean());
        Assert.Contains(live.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "flag_changed" && e.Str("to") == "live_now");
        Assert.False(ended.GetProperty("flags").GetProperty("liveNow").GetBoolean());
    }

    [Fact]
    public async Task ListCases_LiveNowCase_IsWorkedWithTheNextSeverityUp()
    {
        var client = await app.CreateApiClientAsync();
        var stream = Unique("ls");
        var tag = Unique("band").Replace("-", "", StringComparison.Ordinal);
        await (await client.PostJsonAsync("/api/v1/events", Event("stream.started", DateTimeOffset.UtcNow,
            new { kind = "livestream", externalId = stream, role = "stream" }))).ExpectAsync(HttpStatusCode.OK);
        var threat = await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = Unique("u") }, category = "conduct.threats_violence", text = $"Threat {tag}" }))
            .ExpectAsync(HttpStatusCode.Created);
        var liveHate = await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "livestream", externalId = stream }, category = "conduct.hate", text = $"Hate live {tag}" }))
            .ExpectAsync(HttpStatusCode.Created);
        var spam = await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = Unique("u") }, category = "conduct.spam", text = $"Spam {tag}" }))
            .ExpectAsync(HttpStatusCode.Created);

        var page = await client.GetJsonAsync($"/api/v1/cases?q={tag}");

        // S1 threat, then the S2 on a live stream (band 1, opened later), then the S4.
        Assert.Equal([threat.Long("caseId"), liveHate.Long("caseId"), spam.Long("caseId")], page.GetProperty("items").EnumerateArray().Select(c => c.Long("id")).ToArray());
    }

    [Fact]
    public async Task LinkedAccounts_FollowSharedIdentifiersUpToTheHops()
    {
        var client = await app.CreateApiClientAsync();
        var (a, b, c, d) = (Unique("a"), Unique("b"), Unique("c"), Unique("d"));
        var device = Unique("dev");
        var card = Unique("pf");
        var nat = "198.51.100." + Random.Shared.Next(1, 250) + "-" + Guid.NewGuid().ToString("N")[..4];
        var items = new List<object>
        {
            new { kind = "account", externalId = a, identifiers = new object[] { new { type = "device", value = device }, new { type = "ip", value = nat } } },
            new { kind = "account", externalId = b, identifiers = new object[] { new { type = "device", value = device.ToUpperInvariant() }, new { type = "payment_fingerprint", value = card } } },
            new { kind = "account", externalId = c, identifiers = new object[] { new { type = "payment_fingerprint", value = card } } },
            new { kind = "account", externalId = d, identifiers = new object[] { new { type = "email", value = d + "@example.com" } } },
        };
        // 30 unrelated accounts behind one carrier NAT address: too common to mean anything.
        items.AddRange(Enumerable.Range(0, 30).Select(i => (object)new { kind = "account", externalId = Unique("nat"), identifiers = new object[] { new { type = "ip", value = nat } } }));
        await (await client.PutJsonAsync("/api/v1/subjects", new { items })).ExpectAsync(HttpStatusCode.OK);

        var one = await client.GetJsonAsync($"/api/v1/subjects/account/{a}/linked?hops=1");
        var two = await client.GetJsonAsync($"/api/v1/subjects/account/{a}/linked?hops=2");

        Assert.Equal([b], one.GetProperty("linked").EnumerateArray().Select(l => l.Str("externalId")).ToArray());
        var linked = two.GetProperty("linked").EnumerateArray().ToList();
        Assert.Equal([b, c], linked.Select(l => l.Str("externalId")).ToArray());
        var path = linked[1].GetProperty("path").EnumerateArray().ToList();
        Assert.Equal(["device", "payment_fingerprint"], path.Select(p => p.Str("via")).ToArray());
        Assert.Equal(b, path[1].Str("from"));
        Assert.Contains(two.GetProperty("skippedCommonIdentifiers").EnumerateArray(), s => s.GetString()!.StartsWith("ip shared by 31", StringComparison.Ordinal));
        Assert.Equal(2, Signal(await client.GetJsonAsync($"/api/v1/subjects/account/{a}/signals"), "accounts_sharing_device"));
    }

    [Fact]
    public async Task LinkedAccounts_ShowTheStatusOfEachLinkedAccount()
    {
        var client = await app.CreateApiClientAsync();
        var (fresh, banned) = (Unique("new"), Unique("banned"));
        var card = Unique("pf");
        await (await client.PutJsonAsync("/api/v1/subjects", new
        {
            items = new object[]
            {
                new { kind = "account", externalId = banned, status = "banned", identifiers = new object[] { new { type = "payment_fingerprint", value = card } } },
                new { kind = "account", externalId = fresh, identifiers = new object[] { new { type = "payment_fingerprint", value = card } } },
            },
        })).ExpectAsync(HttpStatusCode.OK);

        var linked = await client.GetJsonAsync($"/api/v1/subjects/account/{fresh}/linked?hops=1");

        var other = Assert.Single(linked.GetProperty("linked").EnumerateArray());
        Assert.Equal("banned", other.Str("status"));
        Assert.Equal("active", (await client.GetJsonAsync($"/api/v1/subjects/account/{fresh}")).Str("status"));
    }

    [Fact]
    public async Task ShipmentLabels_WithOneTrackingNumber_AreCountedAsSharing()
    {
        var client = await app.CreateApiClientAsync();
        var tracking = "1Z" + Guid.NewGuid().ToString("N")[..12];
        var first = Unique("sh");
        foreach (var shipment in new[] { first, Unique("sh") })
        {
            await (await client.PostJsonAsync("/api/v1/events", new
            {
                id = "evt-" + Guid.NewGuid(), type = "shipment.label_created", occurredAt = DateTimeOffset.UtcNow,
                subjects = new object[] { new { kind = "shipment", externalId = shipment, role = "shipment" } },
                data = new { trackingNumber = tracking.ToLowerInvariant() },
            })).ExpectAsync(HttpStatusCode.OK);
        }

        var subject = await client.GetJsonAsync($"/api/v1/subjects/shipment/{first}");

        Assert.Equal(tracking.ToUpperInvariant(), Assert.Single(subject.GetProperty("identifiers").EnumerateArray()).Str("value"));
    }

    [Theory]
    [InlineData("""{"id":"e1","type":"order.teleported","occurredAt":"2026-11-20T10:00:00Z","subjects":[{"kind":"order","externalId":"o","role":"order"}]}""", "type")]
    [InlineData("""{"id":"e1","type":"order.placed","occurredAt":"2026-11-20T10:00:00Z","subjects":[{"kind":"account","externalId":"o","role":"order"}]}""", "subjects[0].kind")]
    [InlineData("""{"id":"e1","type":"order.placed","occurredAt":"2026-11-20T10:00:00Z","subjects":[{"kind":"order","externalId":"o","role":"pilot"}]}""", "subjects[0].role")]
    [InlineData("""{"id":"e1","type":"order.placed","occurredAt":"2026-11-20T10:00:00Z","subjects":[{"kind":"account","externalId":"u","role":"buyer"}]}""", "subjects")]
    [InlineData("""{"id":"e1","type":"order.placed","occurredAt":"2026-11-20T10:00:00Z","subjects":[{"kind":"order","externalId":"o","role":"order"}],"data":{"amount":"lots"}}""", "data.amount")]
    public async Task RecordEvents_AgainstTheCatalogue_Returns400NamingTheField(string body, string field)
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/events", body);

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task LinkedAccounts_TooManyHops_Returns400()
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.GetAsync("/api/v1/subjects/account/x/linked?hops=9", TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "hops");
    }
}

public sealed class SqliteSignalApiTests(SqliteApp app) : SignalApiTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresSignalApiTests(PostgresApp app) : SignalApiTests(app.Factory), IClassFixture<PostgresApp>;
