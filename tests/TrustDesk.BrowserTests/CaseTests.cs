using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TrustDesk.BrowserTests.Infrastructure;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Subjects;
using static Microsoft.Playwright.Assertions;

namespace TrustDesk.BrowserTests;

public sealed class CaseTests(ConsoleServer server)
{
    [Fact]
    public async Task NextCase_ThenReplyNoteAndSolve_LandOnTheThread()
    {
        var page = await server.SignedInPageAsync(UserRole.Specialist);
        await page.GotoAsync("/");
        await Expect(page.Locator("#case-list tbody tr").First).ToBeVisibleAsync();

        await page.Keyboard.PressAsync("n");
        await Expect(page).ToHaveURLAsync(new Regex(@"/cases/\d+$"));
        await Expect(page.Locator("#field-assignee")).ToHaveValueAsync(server.User(UserRole.Specialist).Email);

        await page.Keyboard.PressAsync("r");
        await Expect(page.Locator("#composer-text")).ToBeFocusedAsync();
        await page.Locator("#macro").SelectOptionAsync("Acknowledge");
        await Expect(page.Locator("#composer-text")).ToHaveValueAsync(new Regex(@"We are looking into case TD-\d+ now"));
        await page.Locator("#composer-text").PressAsync("Control+Enter");
        await Expect(page.Locator("[data-message=outbound]", new() { HasText = "We are looking into case" })).ToBeVisibleAsync();
        await Expect(page.Locator("#composer-text")).ToHaveValueAsync("");

        await page.Locator("#tab-note").ClickAsync();
        await Expect(page.Locator("#tab-note")).ToHaveAttributeAsync("aria-selected", "true");
        await page.Locator("#composer-text").FillAsync("Seller has two earlier cases; checking payouts.");
        await page.Locator("#send").ClickAsync();
        await Expect(page.Locator("[data-message=internal]", new() { HasText = "checking payouts" })).ToBeVisibleAsync();

        await page.Locator("#thread").ClickAsync();
        await page.Keyboard.PressAsync("Shift+S");
        await Expect(page.Locator("[data-event=status_changed]", new() { HasText = "to Solved" })).ToBeVisibleAsync();
        await Expect(page.Locator("#field-status")).ToHaveValueAsync("solved");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ChangingFields_RecordsEachOnTheTimeline()
    {
        var id = await OpenCaseIdAsync(c => c.Category == "order.not_received");
        var page = await server.SignedInPageAsync(UserRole.Agent);
        await page.GotoAsync($"/cases/{id}");
        await Expect(page.Locator("#case-title")).ToBeVisibleAsync();

        await page.Locator("#field-severity").SelectOptionAsync("S2");
        await Expect(page.Locator("[data-event=severity_changed]", new() { HasText = "to S2" })).ToBeVisibleAsync();
        await page.Locator("#field-tags").FillAsync("repeat-seller, payout-check");
        await page.Locator("#field-tags").PressAsync("Tab");
        await Expect(page.Locator("[data-event=tags_changed]", new() { HasText = "payout-check" })).ToBeVisibleAsync();
        await page.Locator("#field-status").SelectOptionAsync("pending_user");
        await Expect(page.Locator("[data-event=status_changed]", new() { HasText = "to Pending user" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Investigation_RevealsMaskedIdentifiersWithAReason()
    {
        var id = await OpenCaseIdAsync(c => c.Category == "payments.off_platform");
        var page = await server.SignedInPageAsync(UserRole.Agent);
        await page.GotoAsync($"/cases/{id}");
        var email = page.Locator("#investigation [data-identifier=Email]").First;
        await Expect(email).ToContainTextAsync("***@");
        await page.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("case.png") });

        await page.Locator("#investigation button", new() { HasText = "Reveal" }).First.ClickAsync();
        await page.GetByLabel("Why do you need to see this?").FillAsync("Checking off-platform payment request");
        await page.Locator("#investigation button[type=submit]").ClickAsync();

        await Expect(page.Locator("#investigation [data-identifier=Email]", new() { HasTextRegex = new Regex(@"^[^*]+@mail\.example$") })).ToBeVisibleAsync();
        // The top of the panel, scrolled to the top of the side column that holds it (a mass-reported stream's case is
        // several screens long), in a window tall enough to show a few subjects.
        await Expect(page.Locator("#investigation [data-section=loading]")).ToHaveCountAsync(0);
        await page.SetViewportSizeAsync(1366, 1400);
        await page.EvaluateAsync("document.querySelector('#investigation').scrollIntoView()");
        var panel = (await page.Locator("#investigation").BoundingBoxAsync())!;
        await page.ScreenshotAsync(new()
        {
            Path = ConsoleServer.ScreenshotPath("investigation.png"),
            Clip = new Clip { X = panel.X, Y = panel.Y, Width = panel.Width, Height = Math.Min(panel.Height, 1400 - panel.Y) },
        });
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "personal_data.revealed" && a.Detail!.Contains("Checking off-platform payment request"), TestContext.Current.CancellationToken));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Investigation_ShowsSignalsLinkedAccountsOrdersAndEvents()
    {
        long id;
        string external;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            // An account of a case that shares its device with another account and has platform events (a seller: the
            // demo pairs a few neighbouring accounts by device).
            var found = await db.CaseSubjects.Where(s => s.Subject!.Kind == SubjectKind.Account
                    && db.Set<SubjectIdentifier>().Any(i => i.SubjectId == s.SubjectId && i.Type == IdentifierType.Device
                        && db.Set<SubjectIdentifier>().Any(o => o.Type == IdentifierType.Device && o.Value == i.Value && o.SubjectId != i.SubjectId))
                    && db.Set<PlatformEventSubject>().Any(e => e.SubjectId == s.SubjectId))
                .OrderBy(s => s.CaseId).Select(s => new { s.CaseId, s.Subject!.ExternalId }).FirstAsync(TestContext.Current.CancellationToken);
            (id, external) = (found.CaseId, found.ExternalId);
        }

        var page = await server.SignedInPageAsync(UserRole.Lead);
        await page.GotoAsync($"/cases/{id}");

        var account = page.Locator($"#investigation [data-subject='account:{external}']");
        await Expect(account.Locator("[data-signal=accounts_sharing_device]")).ToContainTextAsync("2");
        await Expect(account.Locator("[data-linked]", new() { HasText = "via Device" }).First).ToBeVisibleAsync();
        await Expect(account.Locator("[data-linked] [data-via-value]").First).ToContainTextAsync("*");
        await Expect(account.Locator("[data-section=orders] h4")).ToContainTextAsync(new Regex(@"\d+ bought · \d+ sold"));
        await account.Locator("[data-section=events] summary").ClickAsync();
        await Expect(account.Locator("[data-section=events] li").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task NoteWithAnAttachment_ShowsTheFile_AndDownloadsIt_ButRefusesAProgram()
    {
        var id = await OpenCaseIdAsync(c => c.Category == "order.missing_hit");
        var page = await server.SignedInPageAsync(UserRole.Agent);
        await page.GotoAsync($"/cases/{id}");
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

        await page.Locator("#tab-note").ClickAsync();
        await page.Locator("#composer-files").SetInputFilesAsync(new FilePayload { Name = "tool.exe", MimeType = "application/octet-stream", Buffer = [0x4D, 0x5A, 0x90, 0] });
        await Expect(page.Locator("#upload-error")).ToContainTextAsync("tool.exe");
        await page.Locator("#composer-files").SetInputFilesAsync(new FilePayload { Name = "pack-photo.png", MimeType = "image/png", Buffer = png });
        await Expect(page.Locator("[data-pending='pack-photo.png']")).ToBeVisibleAsync();
        await page.Locator("#composer-text").FillAsync("Buyer's photo of the opened pack.");
        await page.Locator("#send").ClickAsync();

        var link = page.Locator("[data-message=internal] [data-attachment='pack-photo.png'] a");
        await Expect(link).ToBeVisibleAsync();
        await Expect(page.Locator("[data-pending]")).ToHaveCountAsync(0);
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.Equal("pack-photo.png", download.SuggestedFilename);
        Assert.Equal(png, await File.ReadAllBytesAsync(await download.PathAsync(), TestContext.Current.CancellationToken));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TwoAgentsOnOneCase_SeeEachOtherAndEachOthersChangesLive()
    {
        var id = await OpenCaseIdAsync(c => c.Category == "conduct.harassment");
        var first = await server.SignedInPageAsync(UserRole.Agent);
        var second = await server.SignedInPageAsync(UserRole.Lead);
        await first.GotoAsync($"/cases/{id}");
        await second.GotoAsync($"/cases/{id}");

        await Expect(second.Locator("#presence")).ToContainTextAsync($"{server.User(UserRole.Agent).Email} is viewing");
        await first.Locator("#tab-note").ClickAsync();
        await Expect(first.Locator("#tab-note")).ToHaveAttributeAsync("aria-selected", "true");
        await first.Locator("#composer-text").PressSequentiallyAsync("Talked to the seller");
        await Expect(second.Locator("#presence")).ToContainTextAsync("is typing");
        await first.Locator("#send").ClickAsync();

        await Expect(second.Locator("[data-message=internal]", new() { HasText = "Talked to the seller" })).ToBeVisibleAsync();
        await first.GotoAsync("/");
        await Expect(second.Locator("#presence")).ToHaveTextAsync("");
        await first.Context.CloseAsync();
        await second.Context.CloseAsync();
    }

    [Fact]
    public async Task DraftReply_SurvivesAReload()
    {
        var id = await OpenCaseIdAsync(c => c.Category == "order.not_as_described");
        var page = await server.SignedInPageAsync(UserRole.Agent);
        await page.GotoAsync($"/cases/{id}");
        // Typed once the page is live: the prerendered page is replaced when its circuit connects, keystrokes and all.
        await Expect(page.Locator("#composer-text[data-draft-loaded]")).ToBeVisibleAsync();
        await page.Locator("#composer-text").PressSequentiallyAsync("Half-written answer");

        await page.ReloadAsync();

        await Expect(page.Locator("#composer-text")).ToHaveValueAsync("Half-written answer");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task RestrictedCase_ForAnAgent_DoesNotExist()
    {
        long id;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            id = await scope.ServiceProvider.GetRequiredService<TrustDeskDb>().Cases.Where(c => c.Category == "safety.minor")
                .Select(c => c.Id).FirstAsync(TestContext.Current.CancellationToken);
        }

        var page = await server.SignedInPageAsync(UserRole.Agent);
        await page.GotoAsync($"/cases/{id}");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("does not exist, or you cannot see it");
        await Expect(page.Locator("#thread")).ToHaveCountAsync(0);
        await Expect(page.Locator("#investigation")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SessionEndingMidReply_AsksToSignInAgain_AndKeepsTheDraft()
    {
        var id = await OpenCaseIdAsync(c => c.Category == "order.late_shipment");
        var page = await server.SignedInPageAsync(UserRole.Agent);
        await page.GotoAsync($"/cases/{id}");
        await Expect(page.Locator("#composer-text[data-draft-loaded]")).ToBeVisibleAsync();
        await page.Locator("#composer-text").FillAsync("A careful answer that must not be lost");
        await server.EndSessionsAsync(UserRole.Agent);

        await page.Locator("#send").ClickAsync();

        await Expect(page.Locator("#session-ended")).ToBeVisibleAsync();
        await page.Locator("#sign-in-again").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your session ended");
        await server.SignInAsync(page.Context, UserRole.Agent);
        await page.GotoAsync($"/cases/{id}");
        await Expect(page.Locator("#composer-text")).ToHaveValueAsync("A careful answer that must not be lost");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TwoCasesAboutOneOrder_MergedFromTheCasePage_OneThreadWithBoth()
    {
        var api = server.ApiClient();
        var order = $"o-{Guid.NewGuid():N}"[..14];
        async Task<long> ReportAsync(string text)
        {
            var response = await api.PostAsync("/api/v1/reports", new StringContent(
                System.Text.Json.JsonSerializer.Serialize(new { subject = new { kind = "order", externalId = order }, category = "order.not_received", text }),
                System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
            return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("caseId").GetInt64();
        }

        var target = await ReportAsync("My order never arrived.");
        await using (var scope = server.Services.CreateAsyncScope())
        {
            // A second case about the same order, as an email from another buyer would open.
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            await db.Cases.Where(c => c.Id == target).ExecuteUpdateAsync(c => c.SetProperty(x => x.ClusterKey, (string?)null), TestContext.Current.CancellationToken);
        }

        var source = await ReportAsync("Order paid two weeks ago, nothing came.");
        Assert.NotEqual(target, source);

        var page = await server.SignedInPageAsync(UserRole.Specialist);
        await page.GotoAsync($"/cases/{source}");
        await Expect(page.Locator("#composer-text[data-draft-loaded]")).ToBeVisibleAsync();
        await page.Locator("#merge-into").FillAsync(Case.FormatNumber(target));
        await page.Locator("#merge-submit").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($@"/cases/{target}$"));
        await Expect(page.Locator("#thread")).ToContainTextAsync("nothing came");
        await Expect(page.Locator("#thread")).ToContainTextAsync("never arrived");
        await page.GotoAsync($"/cases/{source}");
        await Expect(page.Locator("#merged-into")).ToHaveAttributeAsync("data-merged-into", target.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Context.CloseAsync();
    }

    private async Task<long> OpenCaseIdAsync(System.Linq.Expressions.Expression<Func<Case, bool>> filter)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        return await db.Cases.Where(c => c.Status == CaseStatus.New || c.Status == CaseStatus.Open).Where(filter)
            .Where(c => db.Set<CaseSubject>().Any(s => s.CaseId == c.Id && s.Subject!.Kind == SubjectKind.Account))
            .OrderBy(c => c.Id).Select(c => c.Id).FirstAsync(TestContext.Current.CancellationToken);
    }
}
