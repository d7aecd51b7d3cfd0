using System.Text.RegularExpressions;
using TrustDesk.BrowserTests.Infrastructure;
using TrustDesk.Identity;
using TrustDesk.Triage.Classifier;
using static Microsoft.Playwright.Assertions;

namespace TrustDesk.BrowserTests;

/// <summary>The triage model page: Leads see the model in force with its last evaluation and score the desk on a CSV of their own texts.</summary>
public sealed class TriageModelTests(ConsoleServer server)
{
    [Fact]
    public async Task Lead_SeesTheModelVersion_AndScoresTheirOwnLabelledTexts()
    {
        var csv = Path.Combine(Directory.CreateTempSubdirectory("td-eval-").FullName, "our-reports.csv");
        await File.WriteAllTextAsync(csv, "text,category,severity\n"
            + "\"nobody would even notice if I was gone, been saving up my meds\",safety.self_harm,S1\n"
            + "Please have a look.,none,\n"
            + "\"bought a booster box two weeks ago and it never arrived, seller ignores me\",conduct.spam,\n", TestContext.Current.CancellationToken);
        var lead = await server.SignedInPageAsync(UserRole.Lead);
        await lead.GotoAsync("/");

        await lead.Locator("#nav-admin").ClickAsync();
        await lead.Locator("#nav-triage-model").ClickAsync();
        await Expect(lead).ToHaveURLAsync(new Regex("/triage/model$"));
        await Expect(lead.Locator("#active-version")).ToContainTextAsync($"v{ClassifierModels.Shipped.Version} (shipped)");
        await Expect(lead.Locator("#active-evaluation")).ToHaveTextAsync(ClassifierModels.Shipped.Evaluation);
        await Expect(lead.Locator("#no-shadow")).ToBeVisibleAsync();
        await lead.Locator("#evaluation-file").SetInputFilesAsync(csv);

        await Expect(lead.Locator("#evaluation-headline")).ToContainTextAsync("3 texts");
        await Expect(lead.Locator("#evaluation-headline")).ToContainTextAsync("made S1 wrongly: 0 of the 2 texts that are not S1");
        await Expect(lead.Locator("#evaluation-recall")).ToContainTextAsync("1.000");
        await Expect(lead.Locator("#evaluation-mistakes [data-row='3']")).ToContainTextAsync("order.not_received");
        await lead.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("triage-model.png"), FullPage = true });

        await lead.Locator("#evaluation-file").SetInputFilesAsync(new Microsoft.Playwright.FilePayload
        {
            Name = "bad.csv", MimeType = "text/csv", Buffer = "text,category\nhello,order.teleported\n"u8.ToArray(),
        });
        await Expect(lead.Locator("#evaluation-errors")).ToContainTextAsync("rows[1].category");
        await lead.Context.CloseAsync();
    }

    [Fact]
    public async Task Agent_OnTheTriageModelPage_IsRefused()
    {
        var agent = await server.SignedInPageAsync(UserRole.Agent);
        await agent.GotoAsync("/");
        await Expect(agent.Locator("#case-list")).ToBeVisibleAsync();
        await Expect(agent.Locator("#nav-triage-model")).ToHaveCountAsync(0);

        await agent.GotoAsync("/triage/model");

        await Expect(agent.Locator("#model-refused")).ToContainTextAsync("Only leads see the triage model");
        await Expect(agent.Locator("#evaluation-file")).ToHaveCountAsync(0);
        await agent.Context.CloseAsync();
    }
}
