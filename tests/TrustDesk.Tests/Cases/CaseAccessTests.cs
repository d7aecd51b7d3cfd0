using TrustDesk.Cases;
using System.Net;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Cases;

/// <summary>
/// Per-record access (IDOR): a case the caller may not see answers 404 on every endpoint that names it, and is absent
/// from lists, search and counts — for other departments' cases, restricted categories and guessed ids alike.
/// </summary>
public abstract class CaseAccessTests(TrustDeskFactory app)
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private async Task<long> ReportAsync(string category, string text)
    {
        var platform = await app.CreateApiClientAsync();
        var json = await (await platform.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = Unique("acc") }, category, text }))
            .ExpectAsync(HttpStatusCode.Created);
        return json.Long("caseId");
    }

    private static async Task AssertHiddenAsync(HttpClient client, long id, string searchWord, bool mayUpdate = true)
    {
        await client.GetJsonAsync($"/api/v1/cases/{id}", HttpStatusCode.NotFound);
        // A department member may not update any case: 403 from the permission, before any record is looked at.
        await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new { title = "x" })).ExpectAsync(mayUpdate ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden);
        await (await client.PostJsonAsync($"/api/v1/cases/{id}/messages", new { type = "note", text = "x" })).ExpectAsync(HttpStatusCode.NotFound);
        var search = await client.GetJsonAsync($"/api/v1/cases?q={searchWord}&limit=200");
        Assert.DoesNotContain(search.GetProperty("items").EnumerateArray(), c => c.Long("id") == id);
        var byNumber = await client.GetJsonAsync($"/api/v1/cases?q=TD-{id}");
        Assert.Empty(byNumber.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task DepartmentMember_CaseOfAnotherDepartment_Is404InApiAndSearch()
    {
        var word = "zq" + Guid.NewGuid().ToString("N")[..8];
        var theirs = await ReportAsync("payments.chargeback_abuse", $"Chargeback {word} after delivery.");
        var ours = await ReportAsync("payments.chargeback_abuse", $"Another chargeback {word} after delivery.");
        var agent = await app.CreateUserClientAsync(UserRole.Agent);
        await (await agent.PostJsonAsync($"/api/v1/cases/{theirs}/escalations", new { department = "logistics" })).ExpectAsync(HttpStatusCode.Created);
        await (await agent.PostJsonAsync($"/api/v1/cases/{ours}/escalations", new { department = "payments", note = "Was it refunded?" })).ExpectAsync(HttpStatusCode.Created);
        var payments = await app.CreateUserClientAsync(UserRole.DepartmentMember, "payments");

        await AssertHiddenAsync(payments, theirs, word, mayUpdate: false);
        var mine = await payments.GetJsonAsync($"/api/v1/cases/{ours}");
        var listed = await payments.GetJsonAsync($"/api/v1/cases?q={word}");
        await (await payments.PostJsonAsync($"/api/v1/cases/{ours}/messages", new { type = "note", text = "Refunded on the 3rd." })).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(ours, mine.Long("id"));
        Assert.Equal([ours], listed.GetProperty("items").EnumerateArray().Select(c => c.Long("id")).ToArray());
        Assert.Contains(mine.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "escalated" && e.Str("to") == "payments");
    }

    [Fact]
    public async Task DepartmentMember_ListWithoutFilters_ShowsOnlyEscalatedCases()
    {
        var payments = await app.CreateUserClientAsync(UserRole.DepartmentMember, "payments");
        var all = await (await app.CreateApiClientAsync()).GetJsonAsync("/api/v1/cases?limit=200");

        var page = await payments.GetJsonAsync("/api/v1/cases?limit=200");
        var ids = page.GetProperty("items").EnumerateArray().Select(c => c.Long("id")).ToList();

        var escalatedToPayments = await app.WithDbAsync(db => Task.FromResult(db.Escalations.Where(e => e.Department == "payments").Select(e => e.CaseId).Distinct().ToList()));
        Assert.True(all.GetProperty("items").GetArrayLength() > ids.Count || ids.Count == 0);
        Assert.All(ids, id => Assert.Contains(id, escalatedToPayments));
    }

    [Fact]
    public async Task Agent_RestrictedCategory_Is404AndNeverListed_SpecialistSeesIt()
    {
        var word = "zr" + Guid.NewGuid().ToString("N")[..8];
        var id = await ReportAsync("safety.minor", $"The host looks about twelve {word}.");
        var agent = await app.CreateUserClientAsync(UserRole.Agent);
        var specialist = await app.CreateUserClientAsync(UserRole.Specialist);

        await AssertHiddenAsync(agent, id, word);
        var byCategory = await agent.GetJsonAsync("/api/v1/cases?category=safety&limit=200");
        var seen = await specialist.GetJsonAsync($"/api/v1/cases/{id}");
        var found = await specialist.GetJsonAsync($"/api/v1/cases?q={word}");

        Assert.DoesNotContain(byCategory.GetProperty("items").EnumerateArray(), c => c.Str("category") == "safety.minor");
        Assert.Equal("safety.minor", seen.Str("category"));
        Assert.Single(found.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task GuessedIds_AnswerLikeHiddenOnes()
    {
        var agent = await app.CreateUserClientAsync(UserRole.Agent);
        var hidden = await ReportAsync("legal.law_enforcement_request", "Subpoena for account records.");

        var missing = await (await agent.GetAsync($"/api/v1/cases/{hidden + 100_000}", TestContext.Current.CancellationToken)).ExpectAsync(HttpStatusCode.NotFound);
        var restricted = await (await agent.GetAsync($"/api/v1/cases/{hidden}", TestContext.Current.CancellationToken)).ExpectAsync(HttpStatusCode.NotFound);

        Assert.Equal((missing.Str("title"), missing.Int("status")), (restricted.Str("title"), restricted.Int("status")));
        await (await agent.PostJsonAsync($"/api/v1/cases/{hidden}/escalations", new { department = "legal" })).ExpectAsync(HttpStatusCode.NotFound);
        await (await agent.PostJsonAsync($"/api/v1/cases/{hidden}/reveal", new { reason = "checking the requester" })).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Auditor_ReadsRestrictedCases_ButChangesNothing()
    {
        var id = await ReportAsync("safety.child_exploitation", "Report about a stream.");
        var auditor = await app.CreateUserClientAsync(UserRole.Auditor);

        await auditor.GetJsonAsync($"/api/v1/cases/{id}");
        await (await auditor.PatchJsonAsync($"/api/v1/cases/{id}", new { severity = "S2" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await auditor.PostJsonAsync($"/api/v1/cases/{id}/messages", new { type = "note", text = "x" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await auditor.PostJsonAsync($"/api/v1/cases/{id}/reveal", new { reason = "audit sample" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task PlatformKey_RestrictedCategories_NeedTheExtraScope()
    {
        var id = await ReportAsync("safety.minor", "Looks like a child on stream.");
        var reader = await app.CreateApiClientAsync("cases:read");
        var restrictedReader = await app.CreateApiClientAsync("cases:read", "cases:restricted");

        await reader.GetJsonAsync($"/api/v1/cases/{id}", HttpStatusCode.NotFound);
        await restrictedReader.GetJsonAsync($"/api/v1/cases/{id}");
    }

    [Fact]
    public async Task Escalate_UnknownDepartment_Returns400NamingTheField()
    {
        var id = await ReportAsync("order.not_received", "Never came.");
        var agent = await app.CreateUserClientAsync(UserRole.Agent);

        var response = await agent.PostJsonAsync($"/api/v1/cases/{id}/escalations", new { department = "accounting" });

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "department");
    }
}

public sealed class SqliteCaseAccessTests(SqliteApp app) : CaseAccessTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresCaseAccessTests(PostgresApp app) : CaseAccessTests(app.Factory), IClassFixture<PostgresApp>;
