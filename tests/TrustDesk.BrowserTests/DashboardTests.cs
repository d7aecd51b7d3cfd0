using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TrustDesk.BrowserTests.Infrastructure;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Metrics;
using static Microsoft.Playwright.Assertions;

namespace TrustDesk.BrowserTests;

/// <summary>
/// A Lead on the dashboards over the demo's 90 days of history: figures that match the cases they drill into (and the
/// raw cases), the Trust &amp; Safety page, the live monitor updating by itself, an alert in the console, a phone's width;
/// an agent sees only their own figures. Screenshots go to docs/screenshots/.
/// </summary>
public sealed class DashboardTests(ConsoleServer server)
{
    [Fact]
    public async Task Lead_OpensTheTeamOverview_FiguresEqualTheCasesTheyDrillInto()
    {
        var page = await server.SignedInPageAsync(UserRole.Lead);
        await page.GotoAsync("/");
        await page.Locator("#nav-dashboard").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/dashboard$"));
        await Expect(page.Locator("#team-figures")).ToBeVisibleAsync();
        await Expect(page.Locator("#chart-trend svg").First).ToBeVisibleAsync();
        await Expect(page.Locator("#queue-table tbody tr").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("dashboard-team.png"), FullPage = true });

        // Today's "created": the figure, the cases behind it, and the raw cases opened in the same hours.
        var created = page.Locator("#figure-created a.td-figure-value");
        var figure = int.Parse(await created.GetAttributeAsync("data-value") ?? "", CultureInfo.InvariantCulture);
        var href = await created.GetAttributeAsync("href") ?? "";
        await created.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/dashboard/cases\\?measure=created"));
        await Expect(page.Locator("#drill-total")).ToHaveAttributeAsync("data-total", figure.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#drill-cases tbody tr")).ToHaveCountAsync(figure);
        var (from, to) = Period(href);
        Assert.Equal(figure, await CountAsync(db => db.Cases.CountAsync(c => c.CreatedAt >= from && c.CreatedAt < to, TestContext.Current.CancellationToken)));
        Assert.True(figure > 0, "the demo opens cases today");

        // A figure of the last 7 days in the queue table: solved in the first queue with any.
        await page.GoBackAsync();
        var solved = page.Locator("#queue-table tbody tr td:nth-child(4) a").Filter(new() { HasNotTextRegex = new Regex("^0$") }).First;
        var solvedFigure = int.Parse(await solved.InnerTextAsync(), CultureInfo.InvariantCulture);
        await solved.ClickAsync();
        await Expect(page.Locator("#drill-total")).ToHaveAttributeAsync("data-total", solvedFigure.ToString(CultureInfo.InvariantCulture));
        Assert.True(solvedFigure > 0);

        // Open now, whole desk: the backlog counted from the cases themselves.
        await page.GotoAsync("/dashboard");
        var open = int.Parse(await page.Locator("#figure-open .td-figure-value").GetAttributeAsync("data-value") ?? "", CultureInfo.InvariantCulture);
        var openStatuses = Enum.GetValues<CaseStatus>().Where(CaseStatusRules.IsOpen).ToList();
        Assert.Equal(open, await CountAsync(db => db.Cases.CountAsync(c => openStatuses.Contains(c.Status), TestContext.Current.CancellationToken)));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Lead_OnTheQueueAndTrustSafetyPages_SeesFiguresAndDownloadsCsv()
    {
        var page = await server.SignedInPageAsync(UserRole.Lead);
        await page.GotoAsync("/dashboard");
        await Expect(page.Locator("#queue-table tbody tr").First).ToBeVisibleAsync();
        var queue = await page.Locator("#queue-table tbody tr").First.GetAttributeAsync("data-queue") ?? "";

        await page.Locator("#queue-table tbody tr").First.Locator("td").First.Locator("a").ClickAsync();

        await Expect(page.Locator("#queue-title")).ToHaveTextAsync("Queue: " + queue);
        await Expect(page.Locator("#day-table tbody tr")).ToHaveCountAsync(30);
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#days-csv").ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.StartsWith("start,created,solved", csv, StringComparison.Ordinal);

        await page.Locator("#dash-ts").ClickAsync();
        await Expect(page.Locator("#ts-figures")).ToBeVisibleAsync();
        await Expect(page.Locator("#rule-table")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("dashboard-trust-safety.png"), FullPage = true });
        var s1 = page.Locator("#figure-s1-created a.td-figure-value");
        var s1Figure = await s1.GetAttributeAsync("data-value") ?? "";
        await s1.ClickAsync();
        await Expect(page.Locator("#drill-total")).ToHaveAttributeAsync("data-total", s1Figure);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Lead_OnTheLiveMonitor_SeesANewS1WithoutReloading_AndAnAlertInTheConsole()
    {
        var page = await server.SignedInPageAsync(UserRole.Lead);
        await page.GotoAsync("/monitor");
        await Expect(page.Locator("#urgent")).ToBeVisibleAsync();
        await Expect(page.Locator("#inflow tbody tr").First).ToBeVisibleAsync();
        await Expect(page.Locator("#agent-load tr[data-agent='lead@demo.trustdesk.test']")).ToContainTextAsync("yes");

        using var api = server.ApiClient();
        var response = await api.PostAsJsonAsync("/api/v1/reports", new
        {
            subject = new { kind = "account", externalId = "monitor-" + Guid.NewGuid().ToString("N")[..8] },
            category = "payments.account_takeover",
            text = "Someone took over my account and changed the payout bank",
        }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var caseId = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("caseId").GetInt64();

        await Expect(page.Locator($"#urgent li[data-case='{caseId}']")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("live-monitor.png"), FullPage = true });

        // The demo's marketplace opens its reports now: against the quiet history, some queues spike. The console says so.
        await page.GotoAsync("/");
        await Expect(page.Locator("#case-list")).ToBeVisibleAsync();
        var alerts = await server.Services.GetRequiredService<RaiseMonitorAlerts>().CheckAsync(TestContext.Current.CancellationToken);
        Assert.NotEmpty(alerts);
        await Expect(page.Locator(".mud-snackbar", new() { HasText = alerts[0].Text })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Lead_OnAPhone_ReadsTheDashboardWithoutSidewaysScrolling()
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseUrl,
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
        });
        context.SetDefaultTimeout(15_000);
        await server.SignInAsync(context, UserRole.Lead);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/dashboard");
        await Expect(page.Locator("#team-figures")).ToBeVisibleAsync();
        await Expect(page.Locator("#chart-trend svg").First).ToBeVisibleAsync();

        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"the page is {widths[0]} px wide on a {widths[1]} px screen");
        await page.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("dashboard-phone.png") });
        await context.CloseAsync();
    }

    [Fact]
    public async Task Agent_SeesTheirOwnFiguresAndRatings_NotTheTeams()
    {
        var page = await server.SignedInPageAsync(UserRole.Agent);
        await page.GotoAsync("/");
        await Expect(page.Locator("#nav-dashboard")).ToHaveCountAsync(0);

        await page.Locator("#nav-my-figures").ClickAsync();

        await Expect(page.Locator("#my-figures")).ToBeVisibleAsync();
        await Expect(page.Locator("#ratings tbody tr").First).ToBeVisibleAsync();
        await Expect(page.Locator("#dash-team")).ToHaveCountAsync(0);
        var solved = page.Locator("#figure-my-solved-week a.td-figure-value");
        var figure = await solved.GetAttributeAsync("data-value") ?? "";
        await solved.ClickAsync();
        await Expect(page.Locator("#drill-total")).ToHaveAttributeAsync("data-total", figure);
        await page.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("dashboard-my-figures.png") });

        await page.GotoAsync("/dashboard");
        await Expect(page.Locator("#dashboard-denied")).ToBeVisibleAsync();
        await page.GotoAsync("/monitor");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The monitor is for Leads");
        await page.Context.CloseAsync();
    }

    private static (DateTime From, DateTime To) Period(string href)
    {
        var query = href[(href.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&').Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]), StringComparer.Ordinal);
        static DateTime Utc(string text) => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return (Utc(query["from"]), Utc(query["to"]));
    }

    [Fact]
    public async Task Agent_WorksACaseInTheConsole_HandleTimeRecordedForThem()
    {
        var page = await server.SignedInPageAsync(UserRole.Agent);
        var me = server.User(UserRole.Agent).Email;
        long caseId;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            caseId = await scope.ServiceProvider.GetRequiredService<TrustDeskDb>().Cases
                .Where(c => c.Category == "order.not_received" && c.Status == CaseStatus.New).Select(c => c.Id).FirstAsync(TestContext.Current.CancellationToken);
        }

        await page.GotoAsync($"/cases/{caseId}");
        await Expect(page.Locator("#composer-text[data-draft-loaded]")).ToBeAttachedAsync();
        // Reading and scrolling for a little over one signal period (15 s): the time between two signals counts.
        for (var i = 0; i < 9; i++)
        {
            await page.Mouse.MoveAsync(200 + (i * 10), 300);
            await page.Mouse.WheelAsync(0, 40);
            await page.WaitForTimeoutAsync(2_000);
        }

        // Leaving the case writes the stretch down.
        await page.GotoAsync("/");
        var seconds = 0;
        for (var tries = 0; tries < 50 && seconds == 0; tries++)
        {
            await page.WaitForTimeoutAsync(200);
            seconds = await CountAsync(async db => (await db.CaseEvents.Where(e => e.CaseId == caseId && e.Kind == CaseEventKinds.Handled && e.ActorName == me)
                .Select(e => e.To).ToListAsync(TestContext.Current.CancellationToken)).Sum(to => int.Parse(to!, CultureInfo.InvariantCulture)));
        }

        Assert.InRange(seconds, 10, 20);
    }

    private async Task<int> CountAsync(Func<TrustDeskDb, Task<int>> count)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await count(scope.ServiceProvider.GetRequiredService<TrustDeskDb>());
    }
}
