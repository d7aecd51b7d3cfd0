using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TrustDesk.BrowserTests.Infrastructure;
using TrustDesk.Identity;
using static Microsoft.Playwright.Assertions;

namespace TrustDesk.BrowserTests;

public sealed class InboxTests(ConsoleServer server)
{
    [Fact]
    public async Task SignIn_WithPasswordAndTotp_ShowsTheInboxInOrderOfWork()
    {
        var lead = server.User(UserRole.Lead);
        await using var context = await server.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await page.GetByLabel("Email").FillAsync(lead.Email);
        await page.GetByLabel("Password").FillAsync(lead.Password);
        await page.GetByLabel("Authenticator code").FillAsync(Totp.Compute(lead.TotpSecret!, DateTime.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.Locator("#case-list tbody tr").First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "All queues" })).ToBeVisibleAsync();
        var severities = await page.Locator("#case-list tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(severities.OrderBy(s => s, StringComparer.Ordinal), severities);
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Queues" }).GetByRole(AriaRole.Button).First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("inbox.png") });
    }

    [Fact]
    public async Task SignIn_WithAWrongCode_IsRefused()
    {
        var lead = server.User(UserRole.Lead);
        await using var context = await server.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync(lead.Email);
        await page.GetByLabel("Password").FillAsync(lead.Password);
        await page.GetByLabel("Authenticator code").FillAsync("000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.Locator("#signin-error")).ToContainTextAsync("wrong");
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var page = await server.SignedInPageAsync(UserRole.Agent);
        await page.GotoAsync("/");
        await Expect(page.Locator("#case-list")).ToBeVisibleAsync();

        await page.Locator("#sign-out").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Search_FindsCasesByTheWordsOfTheirMessages()
    {
        var page = await server.SignedInPageAsync(UserRole.Agent);
        await page.GotoAsync("/");
        await Expect(page.Locator("#case-list tbody tr").First).ToBeVisibleAsync();

        // The page is prerendered before its circuit connects: a search typed too early is lost, so try again until
        // the interactive page answers (a few seconds at most on a loaded machine).
        var heading = page.GetByRole(AriaRole.Heading, new() { Name = "All queues · “counterfeit”" });
        for (var attempt = 0; attempt < 5 && !await heading.IsVisibleAsync(); attempt++)
        {
            await page.Keyboard.PressAsync("/");
            await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search cases" }).FillAsync("counterfeit");
            await page.Keyboard.PressAsync("Enter");
            try
            {
                await Expect(heading).ToBeVisibleAsync(new() { Timeout = 4_000 });
            }
            catch (PlaywrightException) when (attempt < 4)
            {
                // Not interactive yet: go round again.
            }
        }

        await Expect(heading).ToBeVisibleAsync();
        var rows = page.Locator("#case-list tbody tr");
        await Expect(rows.First).ToBeVisibleAsync();
        Assert.True(await rows.CountAsync() < 50);
        await page.Locator("#inbox-title").ClickAsync();
        await page.Keyboard.PressAsync("?");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Keyboard shortcuts" })).ToContainTextAsync("next case");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task NewCase_AppearsInAnOpenInboxWithoutReload()
    {
        var page = await server.SignedInPageAsync(UserRole.Agent);
        await page.GotoAsync("/");
        await Expect(page.Locator("#case-list tbody tr").First).ToBeVisibleAsync();
        var subject = "live-" + Guid.NewGuid().ToString("N")[..8];

        using var api = server.ApiClient();
        var response = await api.PostAsJsonAsync("/api/v1/reports", new
        {
            subject = new { kind = "account", externalId = subject },
            category = "payments.account_takeover",
            text = "Someone changed my payout bank " + subject,
        }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();

        await Expect(page.Locator("#case-list tbody tr", new() { HasText = subject })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SavedView_SavedPickedAndDeleted_IsTheAgentsOwn()
    {
        var page = await server.SignedInPageAsync(UserRole.Agent);
        await page.GotoAsync("/");
        await Expect(page.Locator("#case-list tbody tr").First).ToBeVisibleAsync();
        var name = "Urgent unassigned " + Guid.NewGuid().ToString("N")[..4];

        await page.Locator("#filter-severity").SelectOptionAsync("S1,S2");
        await page.Locator("#filter-assignee").SelectOptionAsync("none");
        await page.GetByLabel("Name of the view").FillAsync(name);
        await page.Locator("#save-view").ClickAsync();
        var view = page.Locator($"[data-view='{name}']");
        await Expect(view).ToBeVisibleAsync();
        await page.Locator("#filter-severity").SelectOptionAsync("");
        await page.Locator("#filter-assignee").SelectOptionAsync("");
        await view.GetByRole(AriaRole.Button, new() { Name = name, Exact = true }).ClickAsync();

        await Expect(page.Locator("#filter-severity")).ToHaveValueAsync("S1,S2");
        await Expect(page.Locator("#filter-assignee")).ToHaveValueAsync("none");
        var severities = await page.Locator("#case-list tbody tr td:first-child").AllInnerTextsAsync();
        Assert.NotEmpty(severities);
        Assert.All(severities, s => Assert.Contains(s.Trim(), new[] { "S1", "S2" }));
        var lead = await server.SignedInPageAsync(UserRole.Lead);
        await lead.GotoAsync("/");
        await Expect(lead.Locator("#saved-views")).ToBeAttachedAsync();
        await Expect(lead.Locator($"[data-view='{name}']")).ToHaveCountAsync(0);

        await view.GetByRole(AriaRole.Button, new() { Name = $"Delete saved view {name}" }).ClickAsync();
        await Expect(view).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Expect(page.Locator("#saved-views")).ToBeAttachedAsync();
        await Expect(page.Locator($"[data-view='{name}']")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
        await lead.Context.CloseAsync();
    }
}
