using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TrustDesk.Api;
using TrustDesk.BrowserTests.Infrastructure;
using TrustDesk.Identity;
using TrustDesk.Shifts;
using static Microsoft.Playwright.Assertions;

namespace TrustDesk.BrowserTests;

/// <summary>The Lead's coverage page: the next seven days of a queue hour by hour, the hours nobody covers marked.</summary>
public sealed class CoverageTests(ConsoleServer server)
{
    [Fact]
    public async Task Lead_OnAPhone_OpensCoverage_SeesTheWeekWithItsGaps()
    {
        // The appeals queue gets an evening team: 13:00–22:00 Los Angeles on weekdays, so nights and weekends are gaps.
        var agent = server.User(UserRole.Agent);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var caller = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "test"), new Claim(Caller.ClientIdClaim, "test"), new Claim("actor_type", "system")], "test"));
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<TrustDeskUser>>();
            var agentId = (await users.FindByEmailAsync(agent.Email))!.Id;
            var team = Assert.IsType<ManageTeams.Done>(await scope.ServiceProvider.GetRequiredService<ManageTeams>().CreateAsync(
                new TeamRequest("Appeals evening " + Guid.NewGuid().ToString("N")[..6], null, [agentId], ["appeals"]), caller, TestContext.Current.CancellationToken));
            Assert.IsType<ManageShiftPatterns.Done>(await scope.ServiceProvider.GetRequiredService<ManageShiftPatterns>().AddAsync(team.Team.Id,
                new ShiftRequest("Evening", "America/Los_Angeles", ["monday", "tuesday", "wednesday", "thursday", "friday"], "13:00", "22:00"), caller, TestContext.Current.CancellationToken));
        }

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

        await page.GotoAsync("/coverage");

        var grid = page.Locator("table[data-coverage='appeals']");
        await Expect(grid).ToBeVisibleAsync();
        await Expect(grid.Locator("tbody tr")).ToHaveCountAsync(7);
        Assert.True(await grid.Locator("td[data-gap='true']").CountAsync() > 0, "no gap marked");
        var covered = grid.Locator("td[data-gap='false']");
        Assert.True(await covered.CountAsync() >= 9, "fewer covered hours than one evening");
        Assert.Contains(agent.Email.Split('@')[0], await covered.First.GetAttributeAsync("title") ?? "");
        await Expect(page.Locator("[data-gap-hours]").First).ToContainTextAsync("hours with nobody on");
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"the page scrolls sideways: {widths[0]} > {widths[1]}");
        await page.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("coverage-phone.png"), FullPage = false });
        await context.CloseAsync();
    }
}
