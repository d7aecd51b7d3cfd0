using System.Net;
using System.Text.Json;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Cases;

/// <summary>The cases API, run against both providers.</summary>
public abstract class CaseApiTests(TrustDeskFactory app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private static async Task<long> ReportAsync(HttpClient client, string subject, string category, string text)
    {
        var json = await (await client.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = subject }, category, text }))
            .ExpectAsync(HttpStatusCode.Created);
        return json.Long("caseId");
    }

    [Fact]
    public async Task CreateCase_WithRequesterSubjectsAndText_ReturnsCaseWithETag()
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.PostJsonAsync("/api/v1/cases", new
        {
            title = "Buyer says the slab is fake",
            category = "authenticity.counterfeit",
            requester = new { email = "Buyer@Example.com", name = "Sam Buyer" },
            subjects = new[] { new { kind = "order", externalId = Unique("o"), role = "involved" } },
            tags = new[] { "PSA", "slab" },
            text = "The cert number does not exist on the grader's site.",
        });

        var json = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"\"{json.Long("id")}-{json.Int("version")}\"", response.Headers.ETag?.ToString());
        Assert.Equal("S2", json.Str("severity"));
        Assert.Equal("authenticity", json.Str("queue"));
        Assert.Equal("api", json.Str("channel"));
        Assert.Equal(["psa", "slab"], json.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToArray());
        var message = Assert.Single(json.GetProperty("messages").EnumerateArray());
        Assert.Equal("inbound", message.Str("direction"));
        Assert.Single(json.GetProperty("subjects").EnumerateArray());
    }

    [Fact]
    public async Task CreateCase_SameIdempotencyKey_ReturnsSameCase()
    {
        var client = await app.CreateApiClientAsync();
        var body = new { title = "Duplicate-safe case " + Guid.NewGuid() };
        var key = Guid.NewGuid().ToString();

        var first = await (await client.PostJsonAsync("/api/v1/cases", body, key)).ExpectAsync(HttpStatusCode.Created);
        var replay = await (await client.PostJsonAsync("/api/v1/cases", body, key)).ExpectAsync(HttpStatusCode.OK);
        await (await client.PostJsonAsync("/api/v1/cases", new { title = "Another body" }, key)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(first.Long("id"), replay.Long("id"));
    }

    [Theory]
    [InlineData("""{}""", "title")]
    [InlineData("""{"title":"x","severity":"S9"}""", "severity")]
    [InlineData("""{"title":"x","queue":"nowhere"}""", "queue")]
    [InlineData("""{"title":"x","tags":["two words"]}""", "tags[0]")]
    [InlineData("""{"title":"x","requester":{"email":"not-an-email"}}""", "requester.email")]
    [InlineData("""{"title":"x","subjects":[{"kind":"order"}]}""", "subjects[0].externalId")]
    public async Task CreateCase_Invalid_Returns400NamingTheField(string body, string field)
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.SendRawAsync(HttpMethod.Post, "/api/v1/cases", body);

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task UpdateCase_LegalChanges_AppearOnTimeline()
    {
        var client = await app.CreateApiClientAsync();
        var id = await ReportAsync(client, Unique("u"), "conduct.harassment", "Keeps insulting me in chat.");
        var maya = await app.CreateUserAsync(UserRole.Agent);

        var json = await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new
        {
            status = "open", severity = "S2", queue = "crisis", assignee = maya.Email.ToUpperInvariant(), tags = new[] { "repeat" },
        })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("open", json.Str("status"));
        Assert.Equal("S2", json.Str("severity"));
        Assert.Equal("crisis", json.Str("queue"));
        Assert.Equal(maya.Email, json.Str("assignee"));
        var kinds = json.GetProperty("timeline").EnumerateArray().Select(e => e.Str("kind")).ToList();
        Assert.Contains("status_changed", kinds);
        Assert.Contains("severity_changed", kinds);
        Assert.Contains("queue_changed", kinds);
        Assert.Contains("assigned", kinds);
        Assert.Contains("tags_changed", kinds);
        Assert.Contains(json.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "queue_changed" && e.Str("from") == "conduct" && e.Str("to") == "crisis");
    }

    [Fact]
    public async Task UpdateCase_IllegalStatusMove_Returns409NamingStatus()
    {
        var client = await app.CreateApiClientAsync();
        var id = await ReportAsync(client, Unique("u"), "conduct.spam", "Spam links in chat.");
        await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new { status = "solved" })).ExpectAsync(HttpStatusCode.OK);
        await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new { status = "closed" })).ExpectAsync(HttpStatusCode.OK);

        var response = await client.PatchJsonAsync($"/api/v1/cases/{id}", new { status = "open" });

        await response.ExpectProblemAsync(HttpStatusCode.Conflict, "status");
        Assert.Equal("closed", (await client.GetJsonAsync($"/api/v1/cases/{id}")).Str("status"));
    }

    [Fact]
    public async Task UpdateCase_SolveWithResolution_RecordsTheDecisionUntilReopened()
    {
        var client = await app.CreateApiClientAsync();
        var id = await ReportAsync(client, Unique("u"), "conduct.spam", "Spam links in chat.");
        await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new { resolution = "actioned" })).ExpectProblemAsync(HttpStatusCode.Conflict, "resolution");

        var solved = await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new { status = "solved", resolution = "actioned" })).ExpectAsync(HttpStatusCode.OK);
        var reopened = await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new { status = "open" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("actioned", solved.Str("resolution"));
        Assert.Contains(solved.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "resolved" && e.Str("to") == "actioned");
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("resolution").ValueKind);
    }

    [Fact]
    public async Task UpdateCase_StaleIfMatch_Returns412AndChangesNothing()
    {
        var client = await app.CreateApiClientAsync();
        var id = await ReportAsync(client, Unique("u"), "conduct.spam", "Spam links in chat.");
        var read = await client.GetAsync($"/api/v1/cases/{id}", TestContext.Current.CancellationToken);
        var etag = read.Headers.ETag!.ToString();
        await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new { severity = "S3" }, etag)).ExpectAsync(HttpStatusCode.OK);

        var stale = await client.PatchJsonAsync($"/api/v1/cases/{id}", new { severity = "S1" }, etag);

        await stale.ExpectProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("S3", (await client.GetJsonAsync($"/api/v1/cases/{id}")).Str("severity"));
    }

    [Fact]
    public async Task UpdateCase_UnknownCase_Returns404()
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.PatchJsonAsync("/api/v1/cases/987654321", new { severity = "S1" });

        await response.ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AddMessage_ReplyAndNote_JoinConversationAndOpenTheCase()
    {
        var client = await app.CreateApiClientAsync();
        var id = await ReportAsync(client, Unique("u"), "order.not_received", "Nothing arrived.");

        var reply = await (await client.PostJsonAsync($"/api/v1/cases/{id}/messages", new { type = "reply", text = "We are on it.", status = "pending_user" }))
            .ExpectAsync(HttpStatusCode.Created);
        await (await client.PostJsonAsync($"/api/v1/cases/{id}/messages", new { type = "note", text = "Seller has 3 other late orders." }))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("outbound", reply.Str("direction"));
        var @case = await client.GetJsonAsync($"/api/v1/cases/{id}");
        Assert.Equal("pending_user", @case.Str("status"));
        Assert.NotEqual(JsonValueKind.Null, @case.GetProperty("firstRepliedAt").ValueKind);
        Assert.Equal(["inbound", "outbound", "internal"], @case.GetProperty("messages").EnumerateArray().Select(m => m.Str("direction")).ToArray());
    }

    [Fact]
    public async Task AddMessage_SameIdempotencyKey_AddsOnce()
    {
        var client = await app.CreateApiClientAsync();
        var id = await ReportAsync(client, Unique("u"), "order.not_received", "Nothing arrived.");
        var key = Guid.NewGuid().ToString();

        var first = await (await client.PostJsonAsync($"/api/v1/cases/{id}/messages", new { type = "note", text = "Once." }, key)).ExpectAsync(HttpStatusCode.Created);
        var replay = await (await client.PostJsonAsync($"/api/v1/cases/{id}/messages", new { type = "note", text = "Once." }, key)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(first.Str("id"), replay.Str("id"));
        Assert.Equal(2, (await client.GetJsonAsync($"/api/v1/cases/{id}")).GetProperty("messages").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"type":"shout","text":"x"}""", "type")]
    [InlineData("""{"type":"reply"}""", "text")]
    [InlineData("""{"type":"reply","text":"x","status":"done"}""", "status")]
    public async Task AddMessage_Invalid_Returns400NamingTheField(string body, string field)
    {
        var client = await app.CreateApiClientAsync();
        var id = await ReportAsync(client, Unique("u"), "order.not_received", "Nothing arrived.");

        var response = await client.SendRawAsync(HttpMethod.Post, $"/api/v1/cases/{id}/messages", body);

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task ListCases_PagesThroughEveryCaseOnceInOrderOfWork()
    {
        var client = await app.CreateApiClientAsync();
        var tag = Unique("batch").Replace("-", "", StringComparison.Ordinal);
        string[] categories = ["conduct.spam", "safety.self_harm", "order.not_received", "payments.off_platform", "conduct.spam", "order.late_shipment", "conduct.threats_violence"];
        var created = new List<long>();
        foreach (var category in categories)
        {
            var id = await ReportAsync(client, Unique("u"), category, "Listing test " + tag);
            await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new { tags = new[] { tag } })).ExpectAsync(HttpStatusCode.OK);
            created.Add(id);
        }

        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await client.GetJsonAsync($"/api/v1/cases?q={tag}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(created.Order(), seen.Select(c => c.Long("id")).Order());
        var severities = seen.Select(c => c.Str("severity")).ToList();
        Assert.Equal(severities.Order(StringComparer.Ordinal), severities);
    }

    [Fact]
    public async Task ListCases_Filters_SelectMatchingCases()
    {
        var client = await app.CreateApiClientAsync();
        var subject = Unique("u");
        var spam = await ReportAsync(client, subject, "conduct.spam", "Spam.");
        var threat = await ReportAsync(client, subject, "conduct.threats_violence", "Threatened to hurt me.");
        var lena = await app.CreateUserAsync(UserRole.Agent);
        await (await client.PatchJsonAsync($"/api/v1/cases/{threat}", new { assignee = lena.Email, status = "open" })).ExpectAsync(HttpStatusCode.OK);

        var bySubject = await client.GetJsonAsync($"/api/v1/cases?subject=account:{subject}");
        var bySeverity = await client.GetJsonAsync($"/api/v1/cases?subject=account:{subject}&severity=S1");
        var byAssignee = await client.GetJsonAsync($"/api/v1/cases?assignee={lena.Email}");
        var byStatus = await client.GetJsonAsync($"/api/v1/cases?subject=account:{subject}&status=new");
        var byFamily = await client.GetJsonAsync($"/api/v1/cases?subject=account:{subject}&category=conduct&queue=conduct");

        Assert.Equal([spam, threat], bySubject.GetProperty("items").EnumerateArray().Select(c => c.Long("id")).Order());
        Assert.Equal(threat, Assert.Single(bySeverity.GetProperty("items").EnumerateArray()).Long("id"));
        Assert.Contains(byAssignee.GetProperty("items").EnumerateArray(), c => c.Long("id") == threat);
        Assert.Equal(spam, Assert.Single(byStatus.GetProperty("items").EnumerateArray()).Long("id"));
        Assert.Equal(spam, Assert.Single(byFamily.GetProperty("items").EnumerateArray()).Long("id"));
    }

    [Fact]
    public async Task ListCases_FullText_FindsTitlesMessagesAndNumbers()
    {
        var client = await app.CreateApiClientAsync();
        var word = "zebra" + Guid.NewGuid().ToString("N")[..6];
        var byMessage = await ReportAsync(client, Unique("u"), "order.not_received", $"The parcel with the {word} sticker never came, it was refunded?");
        var created = await (await client.PostJsonAsync("/api/v1/cases", new { title = $"Counterfeit {word}stripes sneakers" })).ExpectAsync(HttpStatusCode.Created);

        var exact = await client.GetJsonAsync($"/api/v1/cases?q={word}");
        var prefix = await client.GetJsonAsync($"/api/v1/cases?q={word[..8]}");
        var number = await client.GetJsonAsync($"/api/v1/cases?q=TD-{byMessage}");

        Assert.Equal([byMessage, created.Long("id")], exact.GetProperty("items").EnumerateArray().Select(c => c.Long("id")).Order());
        Assert.Equal(2, prefix.GetProperty("items").GetArrayLength());
        Assert.Equal(byMessage, Assert.Single(number.GetProperty("items").EnumerateArray()).Long("id"));
    }

    [Fact]
    public async Task ListCases_FullText_FindsARetitledCaseByItsNewTitleOnly()
    {
        var client = await app.CreateApiClientAsync();
        var before = "okapi" + Guid.NewGuid().ToString("N")[..6];
        var after = "quokka" + Guid.NewGuid().ToString("N")[..6];
        var created = await (await client.PostJsonAsync("/api/v1/cases", new { title = $"Graded {before} slab" })).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(1, (await client.GetJsonAsync($"/api/v1/cases?q={before}")).GetProperty("items").GetArrayLength());

        await (await client.PatchJsonAsync($"/api/v1/cases/{created.Long("id")}", new { title = $"Graded {after} slab" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(0, (await client.GetJsonAsync($"/api/v1/cases?q={before}")).GetProperty("items").GetArrayLength());
        Assert.Equal(created.Long("id"), Assert.Single((await client.GetJsonAsync($"/api/v1/cases?q={after}")).GetProperty("items").EnumerateArray()).Long("id"));
    }

    [Theory]
    [InlineData("\"unbalanced")]
    [InlineData("a OR b NOT c")]
    [InlineData("title:x*")]
    [InlineData("(((")]
    [InlineData("'; DROP TABLE Cases; --")]
    [InlineData("!@#$%^&*")]
    public async Task ListCases_QueryWithSearchSyntax_IsTakenAsPlainWords(string q)
    {
        var client = await app.CreateApiClientAsync();

        var json = await client.GetJsonAsync($"/api/v1/cases?q={Uri.EscapeDataString(q)}");

        Assert.Equal(JsonValueKind.Array, json.GetProperty("items").ValueKind);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("status=lost", "status")]
    [InlineData("severity=S7", "severity")]
    [InlineData("queue=nowhere", "queue")]
    [InlineData("subject=u-1", "subject")]
    [InlineData("sort=random", "sort")]
    [InlineData("cursor=garbage", "cursor")]
    [InlineData("cursor=dXBkYXRlZHw5OTk5OTk5OTk5OTk5OTk5OTk5fDE", "cursor")]
    [InlineData("sort=updated&cursor=dXBkYXRlZHw5MDAwMDAwMDAwMDAwMDAwMDAwfDE", "cursor")]
    public async Task ListCases_BadParameter_Returns400NamingIt(string query, string field)
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.GetAsync($"/api/v1/cases?{query}", TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task GetCase_Unknown_Returns404Problem()
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.GetAsync("/api/v1/cases/424242424", TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListCases_KeyWithoutReadScope_Returns403()
    {
        var client = await app.CreateApiClientAsync("reports:write");

        var response = await client.GetAsync("/api/v1/cases", TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteCaseApiTests(SqliteApp app) : CaseApiTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresCaseApiTests(PostgresApp app) : CaseApiTests(app.Factory), IClassFixture<PostgresApp>;
