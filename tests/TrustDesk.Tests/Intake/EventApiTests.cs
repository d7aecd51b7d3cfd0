using TrustDesk.Subjects;
using System.Net;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Intake;

/// <summary>POST /api/v1/events, run against both providers.</summary>
public abstract class EventApiTests(TrustDeskFactory app)
{
    private static object Event(string id, string type = "order.placed", string order = "o-1") => new
    {
        id,
        type,
        occurredAt = "2026-11-20T10:00:00Z",
        subjects = new object[] { new { kind = "order", externalId = order, role = "order" }, new { kind = "account", externalId = "seller-1", role = "seller" } },
        data = new { amount = 120.5, currency = "USD" },
    };

    [Fact]
    public async Task RecordEvents_SingleObject_IsStoredOnItsSubjectsTimeline()
    {
        var client = await app.CreateApiClientAsync();
        var id = "evt-" + Guid.NewGuid();
        var order = "o-" + Guid.NewGuid();

        var json = await (await client.PostJsonAsync("/api/v1/events", Event(id, order: order))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(1, json.Int("accepted"));
        var involved = await app.WithDbAsync(db => db.Set<PlatformEventSubject>().Where(s => db.Set<PlatformEvent>().Any(e => e.Id == s.EventId && e.ExternalId == id)).CountAsync());
        Assert.Equal(2, involved);
        var subject = await client.GetJsonAsync($"/api/v1/subjects/order/{order}");
        Assert.Equal(order, subject.Str("externalId"));
    }

    [Fact]
    public async Task RecordEvents_BatchWithRepeatsAndKnownIds_StoresEachOnce()
    {
        var client = await app.CreateApiClientAsync();
        var a = "evt-" + Guid.NewGuid();
        var b = "evt-" + Guid.NewGuid();
        await (await client.PostJsonAsync("/api/v1/events", Event(a))).ExpectAsync(HttpStatusCode.OK);

        var json = await (await client.PostJsonAsync("/api/v1/events", new[] { Event(a), Event(b), Event(b) })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(1, json.Int("accepted"));
        Assert.Equal(2, json.Int("duplicates"));
        Assert.Equal(["duplicate", "created", "duplicate"], json.GetProperty("items").EnumerateArray().Select(i => i.Str("status")).ToArray());
        Assert.Equal(1, await app.WithDbAsync(db => db.Events.CountAsync(e => e.ExternalId == b)));
    }

    [Theory]
    [InlineData("""{"type":"order.placed","occurredAt":"2026-11-20T10:00:00Z","subjects":[{"kind":"order","externalId":"o","role":"order"}]}""", "id")]
    [InlineData("""{"id":"e1","type":"Order Placed","occurredAt":"2026-11-20T10:00:00Z","subjects":[{"kind":"order","externalId":"o","role":"order"}]}""", "type")]
    [InlineData("""{"id":"e1","type":"order.placed","subjects":[{"kind":"order","externalId":"o","role":"order"}]}""", "occurredAt")]
    [InlineData("""{"id":"e1","type":"order.placed","occurredAt":"yesterday","subjects":[{"kind":"order","externalId":"o","role":"order"}]}""", "occurredAt")]
    [InlineData("""{"id":"e1","type":"order.placed","occurredAt":"2026-11-20T10:00:00Z","subjects":[]}""", "subjects")]
    [InlineData("""{"id":"e1","type":"order.placed","occurredAt":"2026-11-20T10:00:00Z","subjects":[{"kind":"planet","externalId":"o"}]}""", "subjects[0].kind")]
    [InlineData("""{"id":"e1","type":"order.placed","occurredAt":"2026-11-20T10:00:00Z","subjects":[{"kind":"order","externalId":"o","role":"order"}],"data":[1]}""", "data")]
    [InlineData("""[{"id":"e1","type":"order.placed","occurredAt":"2026-11-20T10:00:00Z","subjects":[{"kind":"order","externalId":"o","role":"order"}]},{"id":"e2"}]""", "body[1].type")]
    [InlineData("""[]""", "body")]
    [InlineData("""42""", "body")]
    public async Task RecordEvents_Invalid_Returns400NamingTheField(string body, string field)
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/events", body);

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task RecordEvents_KeyWithoutEventsScope_Returns403()
    {
        var client = await app.CreateApiClientAsync("reports:write");

        var response = await client.PostJsonAsync("/api/v1/events", Event("evt-x"));

        await response.ExpectProblemAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteEventApiTests(SqliteApp app) : EventApiTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresEventApiTests(PostgresApp app) : EventApiTests(app.Factory), IClassFixture<PostgresApp>;
