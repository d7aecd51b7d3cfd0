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

/// <summary>Departments as collaborators, in two browsers: the agent escalates, payments answers, the agent is told.</summary>
public sealed class EscalationTests(ConsoleServer server)
{
    [Fact]
    public async Task AgentEscalatesToPayments_MemberAnswers_AgentIsNotifiedAndSeesTheAnswer()
    {
        var id = await PaymentsCaseIdAsync();
        var agent = await server.SignedInPageAsync(UserRole.Agent);
        await agent.GotoAsync($"/cases/{id}");
        await Expect(agent.Locator("#composer-text[data-draft-loaded]")).ToBeVisibleAsync();
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
        await agent.Locator("#tab-note").ClickAsync();
        await agent.Locator("#composer-files").SetInputFilesAsync(new FilePayload { Name = "bank-statement.png", MimeType = "image/png", Buffer = png });
        await Expect(agent.Locator("[data-pending='bank-statement.png']")).ToBeVisibleAsync();
        await agent.Locator("#composer-text").FillAsync("Buyer's bank statement showing both charges.");
        await agent.Locator("#send").ClickAsync();
        await Expect(agent.Locator("[data-message=internal] [data-attachment='bank-statement.png']")).ToBeVisibleAsync();

        await agent.Locator("#escalate-open").ClickAsync();
        await agent.Locator("#escalate-department").SelectOptionAsync("payments");
        await agent.Locator("#escalate-question").FillAsync("Was the second charge of order 1001 refunded?");
        await agent.Locator("#escalate-form [data-evidence='bank-statement.png']").CheckAsync();
        await agent.Locator("#escalate-send").ClickAsync();

        var panel = agent.Locator("#escalations [data-department=payments]");
        await Expect(panel).ToHaveAttributeAsync("data-escalation-status", "open");
        await Expect(agent.Locator("[data-message=internal]", new() { HasText = "Question for Payments: Was the second charge of order 1001 refunded?" })).ToBeVisibleAsync();
        await Expect(agent.Locator("[data-event=escalated]", new() { HasText = "escalated to Payments" })).ToBeVisibleAsync();
        await agent.Locator("#escalations").ScrollIntoViewIfNeededAsync();
        await agent.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("case-escalation.png") });

        var member = await server.SignedInPageAsync(UserRole.DepartmentMember);
        await member.GotoAsync("/departments");
        await Expect(member).ToHaveURLAsync(new Regex("/departments/payments$"));
        var escalationId = await panel.GetAttributeAsync("data-escalation");
        await member.Locator($"[data-open-escalation='{escalationId}']").ClickAsync();
        await Expect(member.Locator("#escalation-question")).ToHaveTextAsync("Was the second charge of order 1001 refunded?");
        await Expect(member.Locator("#escalation-evidence [data-attachment='bank-statement.png']")).ToBeVisibleAsync();
        await member.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("department-inbox.png") });
        await member.Locator("#escalation-detail textarea").FillAsync("Yes: refund R-77 went out on Monday.");
        await member.Locator("#escalation-detail [data-step=answer]").ClickAsync();
        await Expect(member.Locator($"tr[data-escalation='{escalationId}']")).ToHaveAttributeAsync("data-escalation-status", "answered");

        // The agent's page follows without a reload: the answer on the thread, the escalation answered, the bell counting.
        await Expect(agent.Locator("[data-message=internal]", new() { HasText = "Answer from Payments: Yes: refund R-77 went out on Monday." })).ToBeVisibleAsync();
        await Expect(panel).ToHaveAttributeAsync("data-escalation-status", "answered");
        await Expect(agent.Locator("#notification-count")).ToBeVisibleAsync();
        await agent.Locator("#notification-bell").ClickAsync();
        var notice = agent.Locator("#notifications [data-kind=department_answered]", new() { HasText = Case.FormatNumber(id) });
        await Expect(notice).ToHaveAttributeAsync("data-read", "false");
        await agent.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("notifications.png") });
        await notice.Locator("a").ClickAsync();
        await Expect(agent).ToHaveURLAsync(new Regex($"/cases/{id}$"));
        await agent.GotoAsync("/notifications");
        await Expect(agent.Locator("#notifications [data-kind=department_answered]", new() { HasText = Case.FormatNumber(id) })).ToHaveAttributeAsync("data-read", "true");

        await member.Context.CloseAsync();
        await agent.Context.CloseAsync();
    }

    /// <summary>An open payments case no other browser test picks (they take the first of a category; this takes the last).</summary>
    private async Task<long> PaymentsCaseIdAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        return await db.Cases.Where(c => (c.Status == CaseStatus.New || c.Status == CaseStatus.Open) && c.Category != null && c.Category.StartsWith("payments.")
                && c.Category != "payments.off_platform")
            .OrderByDescending(c => c.Id).Select(c => c.Id).FirstAsync(TestContext.Current.CancellationToken);
    }
}
