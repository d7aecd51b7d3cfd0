using System.Net;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Subjects;

/// <summary>PUT /api/v1/subjects, run against both providers.</summary>
public abstract class SubjectApiTests(TrustDeskFactory app)
{
    [Fact]
    public async Task UpsertSubject_WithLinksAndIdentifiers_ReadsBackNormalisedWithoutDuplicates()
    {
        var client = await app.CreateApiClientAsync();
        var account = "u-" + Guid.NewGuid();
        var body = new
        {
            displayName = "slabking",
            createdAt = "2025-01-02T03:04:05Z",
            attributes = new { country = "US", verified = true },
            links = new[] { new { relation = "host_of", kind = "livestream", externalId = "ls-" + account } },
            identifiers = new object[] { new { type = "email", value = "Slab.King@Example.COM" }, new { type = "phone", value = "+1 (555) 010-2000" } },
        };

        var first = await (await client.PutJsonAsync($"/api/v1/subjects/account/{account}", body)).ExpectAsync(HttpStatusCode.OK);
        var second = await (await client.PutJsonAsync($"/api/v1/subjects/account/{account}", body)).ExpectAsync(HttpStatusCode.OK);

        Assert.True(first.GetProperty("created").GetBoolean());
        Assert.False(second.GetProperty("created").GetBoolean());
        Assert.Equal(first.Str("id"), second.Str("id"));
        var subject = await client.GetJsonAsync($"/api/v1/subjects/account/{account}");
        Assert.Equal("slabking", subject.Str("displayName"));
        Assert.Equal("livestream", Assert.Single(subject.GetProperty("links").EnumerateArray()).Str("kind"));
        var identifiers = subject.GetProperty("identifiers").EnumerateArray().Select(i => (i.Str("type"), i.Str("value"))).Order().ToList();
        Assert.Equal([("email", "slab.king@example.com"), ("phone", "+15550102000")], identifiers);
    }

    [Fact]
    public async Task UpsertSubjects_Batch_CreatesAllAndLinksWithinTheBatch()
    {
        var client = await app.CreateApiClientAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];

        var json = await (await client.PutJsonAsync("/api/v1/subjects", new
        {
            items = new object[]
            {
                new { kind = "account", externalId = $"buyer-{suffix}", displayName = "buyer" },
                new
                {
                    kind = "order", externalId = $"order-{suffix}",
                    links = new[] { new { relation = "bought_by", kind = "account", externalId = $"buyer-{suffix}" } },
                },
            },
        })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(2, json.GetProperty("items").GetArrayLength());
        var order = await client.GetJsonAsync($"/api/v1/subjects/order/order-{suffix}");
        Assert.Equal($"buyer-{suffix}", Assert.Single(order.GetProperty("links").EnumerateArray()).Str("externalId"));
    }

    [Theory]
    [InlineData("/api/v1/subjects/planet/x", """{}""", "route.kind")]
    [InlineData("/api/v1/subjects/account/x", """{"links":[{"relation":"host_of","kind":"livestream"}]}""", "links[0].externalId")]
    [InlineData("/api/v1/subjects/account/x", """{"links":[{"relation":"self","kind":"account","externalId":"x"}]}""", "links[0]")]
    [InlineData("/api/v1/subjects/account/x", """{"identifiers":[{"type":"shoe_size","value":"44"}]}""", "identifiers[0].type")]
    [InlineData("/api/v1/subjects/account/x", """{"identifiers":[{"type":"email"}]}""", "identifiers[0].value")]
    [InlineData("/api/v1/subjects/account/x", """{"attributes":"not an object"}""", "attributes")]
    [InlineData("/api/v1/subjects", """{"items":[]}""", "items")]
    [InlineData("/api/v1/subjects", """{"items":[{"kind":"account"}]}""", "items[0].externalId")]
    public async Task UpsertSubject_Invalid_Returns400NamingTheField(string url, string body, string field)
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Put, url, body);

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task GetSubject_Unknown_Returns404()
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.GetAsync("/api/v1/subjects/account/nobody-" + Guid.NewGuid(), TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class SqliteSubjectApiTests(SqliteApp app) : SubjectApiTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresSubjectApiTests(PostgresApp app) : SubjectApiTests(app.Factory), IClassFixture<PostgresApp>;
