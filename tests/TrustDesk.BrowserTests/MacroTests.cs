using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.BrowserTests.Infrastructure;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using static Microsoft.Playwright.Assertions;

namespace TrustDesk.BrowserTests;

public sealed class MacroTests(ConsoleServer server)
{
    [Fact]
    public async Task Lead_WritesAMacro_WithAPreview_AndAnAgentUsesIt()
    {
        var lead = await server.SignedInPageAsync(UserRole.Lead);
        await lead.GotoAsync("/");
        await lead.Locator("#nav-admin").ClickAsync();
        await lead.Locator("#nav-macros").ClickAsync();
        await Expect(lead).ToHaveURLAsync(new Regex("/macros$"));
        await Expect(lead.Locator("#macro-list [data-macro=Acknowledge]")).ToBeVisibleAsync();
        var name = "Refund on its way " + Guid.NewGuid().ToString("N")[..4];

        await lead.Locator("#new-macro").ClickAsync();
        await lead.GetByLabel("Name").FillAsync(name);
        await lead.GetByLabel("Text").FillAsync("Hi {{ requester.nam }}, refund for {{ case.number }} is on its way.");
        await Expect(lead.Locator("#macro-error")).ToContainTextAsync("Unknown placeholder {{ requester.nam }}");
        await lead.Locator("#save-macro").ClickAsync();
        await Expect(lead.Locator($"#macro-list [data-macro='{name}']")).ToHaveCountAsync(0);
        await lead.GetByLabel("Text").FillAsync("Hi {{ requester.name }}, refund for {{ case.number }} is on its way.");
        await Expect(lead.Locator("#macro-preview")).ToHaveTextAsync("Hi Dana, refund for TD-1042 is on its way.");
        await lead.Locator("#save-macro").ClickAsync();
        await Expect(lead.Locator($"#macro-list [data-macro='{name}']")).ToBeVisibleAsync();
        await lead.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("macros.png") });

        var agent = await server.SignedInPageAsync(UserRole.Agent);
        await agent.GotoAsync($"/cases/{await OpenCaseIdAsync()}");
        await agent.Locator("#macro").SelectOptionAsync(new Microsoft.Playwright.SelectOptionValue { Label = name });

        await Expect(agent.Locator("#composer-text")).ToHaveValueAsync(new Regex(@"refund for TD-\d+ is on its way\.$"));
        await lead.Context.CloseAsync();
        await agent.Context.CloseAsync();
    }

    [Fact]
    public async Task Agent_OnTheMacrosPage_MayNotEdit()
    {
        var agent = await server.SignedInPageAsync(UserRole.Agent);
        await agent.GotoAsync("/");
        await Expect(agent.Locator("#case-list")).ToBeVisibleAsync();
        await Expect(agent.Locator("#nav-macros")).ToHaveCountAsync(0);

        await agent.GotoAsync("/macros");

        await Expect(agent.GetByRole(Microsoft.Playwright.AriaRole.Alert)).ToContainTextAsync("Only leads and admins edit macros");
        await Expect(agent.Locator("#save-macro")).ToHaveCountAsync(0);
        await agent.Context.CloseAsync();
    }

    private async Task<long> OpenCaseIdAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        return await db.Cases.Where(c => c.Status == CaseStatus.New && c.Category == "order.late_shipment")
            .OrderByDescending(c => c.Id).Select(c => c.Id).FirstAsync(TestContext.Current.CancellationToken);
    }
}
