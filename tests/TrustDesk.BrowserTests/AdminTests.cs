using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TrustDesk.BrowserTests.Infrastructure;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using static Microsoft.Playwright.Assertions;

namespace TrustDesk.BrowserTests;

/// <summary>The Lead's screens (rules, queues, users, API keys, taxonomy), the Admin menu, and macros with actions.</summary>
public sealed class AdminTests(ConsoleServer server)
{
    [Theory]
    [InlineData("/rules", "#rules-title")]
    [InlineData("/queues", "#queues-title")]
    [InlineData("/taxonomy", "#taxonomy-title")]
    [InlineData("/dashboard", "h1")]
    [InlineData("/users", "#not-allowed")]
    [InlineData("/api-keys", "#not-allowed")]
    public async Task Lead_OpensALeadsPage_GetsHtml(string path, string shows)
    {
        var lead = await server.SignedInPageAsync(UserRole.Lead);

        var response = await lead.GotoAsync(path);

        Assert.Equal(200, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
        await Expect(lead.Locator(shows).First).ToBeVisibleAsync();
        await lead.Context.CloseAsync();
    }

    [Fact]
    public async Task Lead_TypesABrokenRule_SeesTheError_FixesIt_AndSaves()
    {
        var lead = await server.SignedInPageAsync(UserRole.Lead);
        await lead.GotoAsync("/rules");
        await Expect(lead.Locator("#rule-list [data-rule='self-harm disclosure'] [data-state]")).ToHaveAttributeAsync("data-state", "active");
        await lead.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("rules.png") });
        var name = "repeat reports " + Guid.NewGuid().ToString("N")[..4];
        await lead.Locator("#new-rule").ClickAsync();
        await Expect(lead).ToHaveURLAsync(new Regex("/rules/new$"));
        var text = lead.Locator("#rule-text");

        await text.FillAsync($"- name: {name}\n  on: report.received\n  when: count(\"report\", subject, 1h) >= \n  then: [severity S2, tag repeated]");
        await Expect(lead.Locator("#rule-errors")).ToContainTextAsync("line 3");
        await lead.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("rule-editor.png"), FullPage = true });
        await lead.Locator("#save-rule").ClickAsync();
        await Expect(lead).ToHaveURLAsync(new Regex("/rules/new$"));
        await text.FillAsync($"- name: {name}\n  on: report.received\n  when: count(\"report\", subject, 1h) >= 3\n  then: [severity S2, tag repeated]");
        await Expect(lead.Locator("#rule-ok")).ToBeVisibleAsync();
        await Expect(lead.Locator("#rule-errors")).ToHaveCountAsync(0);
        await Expect(lead.Locator(".td-code-view .tk-keyword, .td-code-view .tk-key").First).ToBeVisibleAsync();
        await lead.Locator("#new-state").SelectOptionAsync("Shadow");
        await lead.Locator("#save-rule").ClickAsync();

        await Expect(lead).ToHaveURLAsync(new Regex("/rules/repeat%20reports%20"));
        await Expect(lead.Locator("#rule-version")).ToContainTextAsync("Version 1");
        await Expect(lead.Locator("#state-shadow")).ToHaveAttributeAsync("aria-pressed", "true");
        await lead.Locator("#state-active").ClickAsync();
        await Expect(lead.Locator("#state-active")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(lead.Locator("#rule-version")).ToContainTextAsync("Version 2");
        await lead.Locator("#run-backtest").ClickAsync();
        await Expect(lead.Locator("#backtest-summary")).ToContainTextAsync("items evaluated");
        await using var scope = server.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<TrustDeskDb>().Set<Triage.StoredRule>()
            .Where(r => r.Name == name).OrderByDescending(r => r.Version).FirstAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Triage.RuleState.Active, stored.State);
        await lead.Context.CloseAsync();
    }

    [Fact]
    public async Task Agent_OpensTheRuleEditor_SeesNotAllowed()
    {
        var agent = await server.SignedInPageAsync(UserRole.Agent);

        var response = await agent.GotoAsync("/rules/new");

        Assert.Equal(200, response!.Status);
        await Expect(agent.Locator("#not-allowed")).ToContainTextAsync("may not open the rule editor");
        await Expect(agent.Locator("#rule-text")).ToHaveCountAsync(0);
        await Expect(agent.Locator("#nav-admin")).ToHaveCountAsync(0);
        await agent.Context.CloseAsync();
    }

    [Fact]
    public async Task Lead_AppliesAMacroThatSetsStatusAndTags_OnACase()
    {
        var lead = await server.SignedInPageAsync(UserRole.Lead);
        await lead.GotoAsync("/macros");
        var name = "Refund sent " + Guid.NewGuid().ToString("N")[..4];
        await lead.Locator("#new-macro").ClickAsync();
        await lead.GetByLabel("Name").FillAsync(name);
        await lead.GetByLabel("Text", new() { Exact = true }).FillAsync("Hi {{ requester.name }}, the refund for {{ case.number }} is on its way.");
        await lead.Locator("#macro-status").SelectOptionAsync("pending_user");
        await lead.Locator("#macro-tags").FillAsync("refund-sent, macro-test");
        await lead.Locator("#macro-note").FillAsync("Refund sent by {{ agent.name }}.");
        await lead.Locator("#save-macro").ClickAsync();
        await Expect(lead.Locator($"#macro-list [data-macro='{name}']")).ToContainTextAsync("+ actions");
        await lead.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("macro-actions.png"), FullPage = true });
        var id = await OpenCaseIdAsync();

        await lead.GotoAsync($"/cases/{id}");
        await Expect(lead.Locator("#composer-text[data-draft-loaded]")).ToBeVisibleAsync();
        await lead.Locator("#macro").SelectOptionAsync(new SelectOptionValue { Label = name });

        await Expect(lead.Locator("#field-status")).ToHaveValueAsync("pending_user");
        await Expect(lead.Locator("#field-tags")).ToHaveValueAsync(new Regex(@"\bmacro-test\b.*\brefund-sent\b"));
        await Expect(lead.Locator("#composer-text")).ToHaveValueAsync(new Regex(@"refund for TD-\d+ is on its way\.$"));
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var @case = await db.Cases.AsNoTracking().FirstAsync(c => c.Id == id, TestContext.Current.CancellationToken);
        Assert.Equal(CaseStatus.PendingUser, @case.Status);
        Assert.Contains("refund-sent", @case.Tags);
        Assert.True(await db.Set<Message>().AnyAsync(m => m.CaseId == id && m.Text.StartsWith("Refund sent by "), TestContext.Current.CancellationToken));
        await lead.Context.CloseAsync();
    }

    [Fact]
    public async Task Nav_At1366_StaysOnOneLine_AndTheAdminMenuOpensThePages()
    {
        var lead = await server.SignedInPageAsync(UserRole.Lead);
        await lead.GotoAsync("/");
        await Expect(lead.Locator("#case-list")).ToBeVisibleAsync();

        var bar = await lead.Locator(".mud-appbar").BoundingBoxAsync();
        var tops = new List<float>();
        foreach (var id in new[] { "#nav-chats", "#nav-dashboard", "#nav-approvals", "#nav-admin", "#next-case", "#sign-out" })
        {
            tops.Add((await lead.Locator(id).BoundingBoxAsync())!.Y);
        }

        Assert.True(bar!.Height <= 56, $"The bar is {bar.Height}px high: it wrapped.");
        Assert.True(tops.Max() - tops.Min() < 12, $"Nav items at different heights: {string.Join(", ", tops)}");
        await lead.Locator("#nav-admin").ClickAsync();
        await Expect(lead.Locator("#nav-rules")).ToBeVisibleAsync();
        await lead.WaitForTimeoutAsync(400); // the popover's opening animation, for the screenshot only
        await lead.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("admin-menu.png") });
        await Expect(lead.Locator("#nav-users")).ToHaveCountAsync(0);
        await lead.Locator("#nav-queues").ClickAsync();
        await Expect(lead).ToHaveURLAsync(new Regex("/queues$"));
        await Expect(lead.Locator("#queue-list [data-queue=triage]")).ToBeVisibleAsync();

        await lead.SetViewportSizeAsync(390, 844);
        await lead.Locator("#nav-admin").ClickAsync();
        await lead.Locator("#nav-rules").ClickAsync();
        await Expect(lead).ToHaveURLAsync(new Regex("/rules$"));
        await lead.Context.CloseAsync();
    }

    [Fact]
    public async Task Lead_AddsAQueue_AndRelabelsACategory()
    {
        var lead = await server.SignedInPageAsync(UserRole.Lead);
        await lead.GotoAsync("/queues");
        var queue = "vip-" + Guid.NewGuid().ToString("N")[..6];

        await lead.Locator("#new-queue-name").FillAsync(queue);
        await lead.Locator("#new-queue-description").FillAsync("Top sellers");
        await lead.Locator("#create-queue").ClickAsync();
        await Expect(lead.Locator($"#queue-list [data-queue='{queue}']")).ToContainTextAsync("Top sellers");
        await lead.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("queues.png") });
        await lead.GotoAsync("/taxonomy");
        await lead.Locator("[data-edit-category='order.late_shipment']").ClickAsync();
        await lead.Locator("#edit-category-description").FillAsync("Shipped later than the seller promised.");
        await lead.Locator("#save-category").ClickAsync();

        await Expect(lead.Locator("#category-list [data-category='order.late_shipment']")).ToContainTextAsync("Shipped later than the seller promised.");
        await lead.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("taxonomy.png") });
        await lead.Context.CloseAsync();
    }

    [Fact]
    public async Task Admin_MakesAnApiKey_SeesItsSecretOnce_AndRevokesIt_AndAddsAUser()
    {
        var admin = await server.SignedInPageAsync(UserRole.Admin);
        await admin.GotoAsync("/api-keys");
        var key = "checkout-" + Guid.NewGuid().ToString("N")[..6];

        await admin.Locator("#new-key-name").FillAsync(key);
        await admin.Locator("[data-scope='reports:write']").CheckAsync();
        await admin.Locator("#create-key").ClickAsync();
        await Expect(admin.Locator("#new-key-secret")).ToHaveTextAsync(new Regex("^td_"));
        await admin.Locator($"[data-revoke='{key}']").ClickAsync();
        await admin.Locator($"[data-confirm-revoke='{key}']").ClickAsync();

        await Expect(admin.Locator($"#key-list [data-key='{key}'] [data-state]")).ToHaveAttributeAsync("data-state", "revoked");
        await admin.ReloadAsync();
        await Expect(admin.Locator("#new-key-secret")).ToHaveCountAsync(0);
        await admin.GotoAsync("/users");
        var email = $"new.agent.{Guid.NewGuid().ToString("N")[..6]}@example.com";
        await admin.Locator("#new-user-email").FillAsync(email);
        await admin.Locator("#new-user-name").FillAsync("New Agent");
        await admin.Locator("#create-user").ClickAsync();
        await Expect(admin.Locator("#new-user-secret")).ToBeVisibleAsync();
        await admin.Locator($"[data-role-of='{email}']").SelectOptionAsync("Specialist");
        await admin.Locator($"[data-toggle-user='{email}']").ClickAsync();
        await Expect(admin.Locator($"#user-list [data-user='{email}'] [data-state]")).ToHaveAttributeAsync("data-state", "disabled");
        await Expect(admin.Locator($"[data-role-of='{email}']")).ToHaveValueAsync("Specialist");
        await admin.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("users.png") });
        await admin.Context.CloseAsync();
    }

    private async Task<long> OpenCaseIdAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        // The oldest waiting late-shipment case: other tests take the newest ones.
        return await db.Cases.Where(c => (c.Status == CaseStatus.New || c.Status == CaseStatus.Open) && c.Category == "order.late_shipment")
            .OrderBy(c => c.Id).Select(c => c.Id).FirstAsync(TestContext.Current.CancellationToken);
    }
}
