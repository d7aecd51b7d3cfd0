using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.BrowserTests.Infrastructure;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using static Microsoft.Playwright.Assertions;

namespace TrustDesk.BrowserTests;

/// <summary>The inbox as a backlog worked against SLAs: due times counting down, the order by due time, and `n`.</summary>
public sealed class SlaTests(ConsoleServer server)
{
    [Fact]
    public async Task Inbox_ByDueTime_ShowsTheCountdown_AndNTakesTheMostUrgentCase()
    {
        // A new S1 report: with the default policy its first reply is due 15 minutes out.
        using var api = server.ApiClient();
        var subject = "sla-" + Guid.NewGuid().ToString("N")[..8];
        var response = await api.PostAsJsonAsync("/api/v1/reports",
            new { subject = new { kind = "account", externalId = subject }, category = "safety.self_harm", text = "I don't want to be here anymore." },
            TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var report = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);
        var caseId = report.GetProperty("caseId").GetInt64();

        var lead = server.User(UserRole.Lead);
        var page = await server.SignedInPageAsync(UserRole.Lead);
        await page.GotoAsync("/");
        await page.Locator("#sort").SelectOptionAsync("due");

        var row = page.Locator($"#case-list tbody tr[data-case='TD-{caseId}']");
        await Expect(row.Locator("td.td-due")).ToHaveTextAsync(new Regex(@"^1[45]m \d+s$"));
        await Expect(row.Locator("td.td-due")).ToHaveClassAsync(new Regex("td-due-ok"));
        var dues = (await page.Locator("#case-list tbody tr td.td-due").EvaluateAllAsync<string?[]>("cells => cells.map(c => c.dataset.due || null)"))
            .TakeWhile(d => !string.IsNullOrEmpty(d))
            .Select(d => DateTime.Parse(d!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind))
            .ToList();
        Assert.NotEmpty(dues);
        Assert.Equal(dues.Order(), dues);

        var expectedBefore = await MostUrgentAsync(lead.Email);
        await page.Locator("body").PressAsync("n");
        await Expect(page).ToHaveURLAsync(new Regex(@"/cases/\d+$"));
        var taken = long.Parse(new Uri(page.Url).Segments[^1], CultureInfo.InvariantCulture);
        Assert.Contains(taken, new[] { expectedBefore, await MostUrgentAsync(lead.Email) });
        await page.Context.CloseAsync();
    }

    // What `n` must pick, read straight from the cases: the open case due first that is free or already the caller's.
    private async Task<long?> MostUrgentAsync(string me)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        return await db.Cases.AsNoTracking()
            .Where(c => (c.Status == CaseStatus.New || c.Status == CaseStatus.Open) && c.DueAt != null && (c.Assignee == null || c.Assignee == me))
            .OrderBy(c => c.DueAt).ThenBy(c => c.Id).Select(c => (long?)c.Id).FirstOrDefaultAsync(TestContext.Current.CancellationToken);
    }
}
