using System.Net;
using System.Text;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Security;

/// <summary>Finding 6 of the outside probe: lenient numbers, duplicate keys, framework text for an empty body, 401 for a wrong content type.</summary>
public sealed class StrictJsonTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private const string Subjects = """[{"kind":"order","externalId":"o-strict","role":"order"},{"kind":"account","externalId":"seller-strict","role":"seller"}]""";

    private static string Event(string id, string data) =>
        $$"""{"id":"{{id}}","type":"order.placed","occurredAt":"2026-11-20T10:00:00Z","subjects":{{Subjects}},"data":{{data}}}""";

    [Fact]
    public async Task RecordEvent_AmountOverflowingToInfinity_IsRefusedNamingTheField()
    {
        var client = await app.Factory.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/events", Event("ev-inf-" + Guid.NewGuid().ToString("N"), """{"amount":1e99999,"currency":"USD"}"""));

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "data.amount");
    }

    [Fact]
    public async Task RecordEvent_NegativeInfinityDeepInData_IsRefused()
    {
        var client = await app.Factory.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/events",
            Event("ev-ninf-" + Guid.NewGuid().ToString("N"), """{"amount":12,"currency":"USD","lines":[{"price":-1e400}]}"""));

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "data.lines[0].price");
    }

    [Fact]
    public async Task RecordEvent_FiniteAmount_IsStillAccepted()
    {
        var client = await app.Factory.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/events", Event("ev-ok-" + Guid.NewGuid().ToString("N"), """{"amount":1.5e300,"currency":"USD"}"""));

        await response.ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RecordEvent_DuplicateKeyInData_IsRefused()
    {
        var client = await app.Factory.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/events",
            Event("ev-dup-" + Guid.NewGuid().ToString("N"), """{"amount":1,"amount":1000000,"currency":"USD"}"""));

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreateCase_DuplicateTopLevelKey_IsRefused()
    {
        var client = await app.Factory.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/cases",
            """{"title":"Harmless","title":"Other","category":"order.not_received","text":"Never came."}""");

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CreateCase_EmptyBody_NamesTheBody_WithoutFrameworkText()
    {
        var client = await app.Factory.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/cases", "");

        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "body");
        var text = problem.ToString();
        Assert.DoesNotContain("Implicit body", text, StringComparison.Ordinal);
        Assert.DoesNotContain("parameter", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SignIn_EmptyBody_NamesTheBody()
    {
        var client = app.Factory.CreateClient();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/auth/signin", "");

        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "body");
        Assert.DoesNotContain("Implicit body", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/auth/signin", "text/plain")]
    [InlineData("/api/v1/auth/signin", "application/x-www-form-urlencoded")]
    [InlineData("/api/v1/cases", "text/plain")]
    [InlineData("/api/v1/events", "application/xml")]
    public async Task Post_WrongContentType_Answers415(string url, string contentType)
    {
        var client = await app.Factory.CreateApiClientAsync();
        if (url.Contains("signin", StringComparison.Ordinal))
        {
            client = app.Factory.CreateClient();
        }

        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent("""{"email":"a@b.example","password":"x"}""", Encoding.UTF8, contentType),
        }, TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }
}
