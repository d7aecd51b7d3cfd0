using System.Net;
using System.Text.Json;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Cases;

/// <summary>Two cases about one problem merged into one: what moves, what the merged case says, and what is refused.</summary>
public abstract class MergeCasesTests(TrustDeskFactory app)
{
    [Fact]
    public async Task Merge_TwoCasesAboutOneOrder_TargetHasEverything_SourcePointsToIt()
    {
        using var platform = await app.CreateApiClientAsync();
        var order = $"o-{Guid.NewGuid():N}"[..14];
        var first = await ReportAsync(platform, order, "The seller never shipped my order.");
        await ReportAsync(platform, order, "The seller never shipped my order, me too.");
        var second = await CreateCaseAsync(platform, $"buyer.{Guid.NewGuid():N}@example.com", $"Where is order {order}?");
        await (await platform.PostJsonAsync($"/api/v1/cases/{second}/messages", new { type = "note", text = "Checked the carrier: no scan." })).ExpectAsync(HttpStatusCode.Created);
        var before = await platform.GetJsonAsync($"/api/v1/cases/{first}");

        var merged = await (await platform.PostJsonAsync($"/api/v1/cases/{second}/merge", new { into = first })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(first, merged.GetProperty("id").GetInt64());
        var texts = merged.GetProperty("messages").EnumerateArray().Select(m => m.Str("text")).ToList();
        Assert.Contains("Checked the carrier: no scan.", texts);
        Assert.Contains("Help please.", texts);
        Assert.Contains(texts, t => t.Contains("me too", StringComparison.Ordinal));
        Assert.Equal(before.GetProperty("reportCount").GetInt32(), merged.GetProperty("reportCount").GetInt32());
        Assert.Contains(merged.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "merged_from");

        var source = await platform.GetJsonAsync($"/api/v1/cases/{second}");
        Assert.Equal(first, source.GetProperty("mergedInto").GetInt64());
        Assert.Equal("closed", source.Str("status"));
        Assert.Equal("duplicate", source.Str("resolution"));
        Assert.Empty(source.GetProperty("messages").EnumerateArray());
        Assert.Contains(source.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "merged");
        Assert.Equal(JsonValueKind.Null, merged.GetProperty("mergedInto").ValueKind);
    }

    [Fact]
    public async Task Merge_ReportsAndSubjectsMove_AndTheRequestersCasesFindTheTarget()
    {
        using var platform = await app.CreateApiClientAsync();
        var stream = $"ls-{Guid.NewGuid():N}"[..14];
        var reported = await ReportAsync(platform, stream, "Counterfeit slabs on this stream.", kind: "livestream", category: "authenticity.counterfeit");
        var email = $"viewer.{Guid.NewGuid():N}@example.com";
        var written = await CreateCaseAsync(platform, email, "Fake slabs on a stream");

        await (await platform.PostJsonAsync($"/api/v1/cases/{reported}/merge", new { into = written })).ExpectAsync(HttpStatusCode.OK);

        var target = await platform.GetJsonAsync($"/api/v1/cases/{written}");
        Assert.Equal(1, target.GetProperty("reportCount").GetInt32());
        Assert.Contains(target.GetProperty("subjects").EnumerateArray(), s => s.Str("externalId") == stream);
        var bySubject = await platform.GetJsonAsync($"/api/v1/cases?subject=livestream:{stream}&status=open_any");
        Assert.Contains(bySubject.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetInt64() == written);
    }

    [Fact]
    public async Task Merge_Retried_AnswersTheSame_AndMovesNothingTwice()
    {
        using var platform = await app.CreateApiClientAsync();
        var into = await CreateCaseAsync(platform, $"a.{Guid.NewGuid():N}@example.com", "One");
        var from = await CreateCaseAsync(platform, $"b.{Guid.NewGuid():N}@example.com", "Two");

        var once = await (await platform.PostJsonAsync($"/api/v1/cases/{from}/merge", new { into })).ExpectAsync(HttpStatusCode.OK);
        var twice = await (await platform.PostJsonAsync($"/api/v1/cases/{from}/merge", new { into })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(once.GetProperty("messages").GetArrayLength(), twice.GetProperty("messages").GetArrayLength());
        Assert.Equal(once.GetProperty("version").GetInt32(), twice.GetProperty("version").GetInt32());
        Assert.Single(twice.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "merged_from");
    }

    [Theory]
    [InlineData("self", HttpStatusCode.BadRequest)]
    [InlineData("missing", HttpStatusCode.BadRequest)]
    [InlineData("unknown", HttpStatusCode.BadRequest)]
    [InlineData("elsewhere", HttpStatusCode.Conflict)]
    [InlineData("into-merged", HttpStatusCode.Conflict)]
    public async Task Merge_Refused_AnswersAProblem_AndChangesNothing(string what, HttpStatusCode expected)
    {
        using var platform = await app.CreateApiClientAsync();
        var a = await CreateCaseAsync(platform, $"a.{Guid.NewGuid():N}@example.com", "A");
        var b = await CreateCaseAsync(platform, $"b.{Guid.NewGuid():N}@example.com", "B");
        var c = await CreateCaseAsync(platform, $"c.{Guid.NewGuid():N}@example.com", "C");
        if (what is "elsewhere")
        {
            await (await platform.PostJsonAsync($"/api/v1/cases/{a}/merge", new { into = c })).ExpectAsync(HttpStatusCode.OK);
        }
        else if (what is "into-merged")
        {
            await (await platform.PostJsonAsync($"/api/v1/cases/{b}/merge", new { into = c })).ExpectAsync(HttpStatusCode.OK);
        }

        var versionOfB = (await platform.GetJsonAsync($"/api/v1/cases/{b}")).GetProperty("version").GetInt32();
        object body = what switch
        {
            "self" => new { into = a },
            "missing" => new { },
            "unknown" => new { into = 999_999_999L },
            "elsewhere" => new { into = b },
            _ => new { into = b },
        };

        var response = await platform.PostJsonAsync($"/api/v1/cases/{a}/merge", body);

        await response.ExpectAsync(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(versionOfB, (await platform.GetJsonAsync($"/api/v1/cases/{b}")).GetProperty("version").GetInt32());
        if (what is not ("elsewhere" or "into-merged"))
        {
            Assert.Equal(JsonValueKind.Null, (await platform.GetJsonAsync($"/api/v1/cases/{a}")).GetProperty("mergedInto").ValueKind);
        }
    }

    [Fact]
    public async Task Merge_IntoACaseTheCallerCannotSee_IsNotFoundForThem()
    {
        using var platform = await app.CreateApiClientAsync();
        var theirs = await CreateCaseAsync(platform, $"a.{Guid.NewGuid():N}@example.com", "Visible to payments");
        var hidden = await CreateCaseAsync(platform, $"b.{Guid.NewGuid():N}@example.com", "Not escalated");
        await (await platform.PostJsonAsync($"/api/v1/cases/{theirs}/escalations", new { department = "payments" })).ExpectAsync(HttpStatusCode.Created);
        using var payments = await app.CreateUserClientAsync(UserRole.DepartmentMember, "payments");

        var intoHidden = await payments.PostJsonAsync($"/api/v1/cases/{theirs}/merge", new { into = hidden });
        var fromHidden = await payments.PostJsonAsync($"/api/v1/cases/{hidden}/merge", new { into = theirs });

        // A department member may not change cases at all; and the hidden case stays hidden either way.
        Assert.Contains(intoHidden.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.BadRequest });
        Assert.Contains(fromHidden.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        Assert.Equal(JsonValueKind.Null, (await platform.GetJsonAsync($"/api/v1/cases/{hidden}")).GetProperty("mergedInto").ValueKind);
    }

    private static async Task<long> CreateCaseAsync(HttpClient platform, string requester, string title)
    {
        var created = await (await platform.PostJsonAsync("/api/v1/cases",
                new { title, category = "order.not_received", text = "Help please.", requester = new { email = requester, name = "A buyer" } }))
            .ExpectAsync(HttpStatusCode.Created);
        return created.GetProperty("id").GetInt64();
    }

    private static async Task<long> ReportAsync(HttpClient platform, string externalId, string text, string kind = "order", string category = "order.not_received")
    {
        var report = await (await platform.PostJsonAsync("/api/v1/reports", new { subject = new { kind, externalId }, category, text }))
            .ExpectAsync(HttpStatusCode.Created);
        return report.GetProperty("caseId").GetInt64();
    }
}

public sealed class SqliteMergeCasesTests(SqliteApp app) : MergeCasesTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresMergeCasesTests(PostgresApp app) : MergeCasesTests(app.Factory), IClassFixture<PostgresApp>;
