using TrustDesk.Cases;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TrustDesk.BrowserTests.Infrastructure;
using TrustDesk.Data;
using TrustDesk.Identity;
using static Microsoft.Playwright.Assertions;

namespace TrustDesk.BrowserTests;

/// <summary>
/// How long the console's pages take to show with the demo data, as a browser sees it: from navigation until the
/// content an agent reads is on screen. Figures are printed (and written to page-times.txt beside the test binaries)
/// for docs/benchmarks.md; timings are not asserted, because this machine is shared and the numbers would flake. What
/// is asserted: each page shows its content, every time, and none logs an error or throws.
/// </summary>
public sealed class PageTimeTests(ConsoleServer server)
{
    private const int Rounds = 5;

    [Fact]
    public async Task PageTimes_WithTheDemoData_ArePrinted()
    {
        long heaviest;
        long typical;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            // The case with the most subjects (a mass-reported live stream: every reporter is a subject) is the
            // investigation panel's worst case; a one-account case is the usual one.
            heaviest = await db.CaseSubjects.GroupBy(s => s.CaseId).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync(TestContext.Current.CancellationToken);
            typical = await db.CaseSubjects.GroupBy(s => s.CaseId).Where(g => g.Count() == 1).Select(g => g.Key).OrderBy(id => id).FirstAsync(TestContext.Current.CancellationToken);
        }

        var page = await server.SignedInPageAsync(UserRole.Lead);
        // What the test checks, beside showing each page's content within the assertion timeout: no page throws or
        // logs an error while it is loaded again and again (a circuit that fails shows its content once, then stops).
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            // A failed request also logs a console error without its address; the response handler below names it.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                errors.Add("console error: " + message.Text);
            }
        };
        var missing = new List<string>();
        page.Response += (_, response) =>
        {
            // A server error fails the test; a missing resource (once seen, not reproduced) is printed with the figures.
            if (response.Status >= 500)
            {
                errors.Add($"{response.Status} {response.Request.Method} {response.Url}");
            }
            else if (response.Status >= 400)
            {
                missing.Add($"{response.Status} {response.Request.Method} {response.Url}");
            }
        };
        var subjects = page.Locator("#investigation .td-subject[data-subject]");
        var details = "[data-section=linked], [data-section=livestream], [data-section=order], [data-section=signals]";
        var figures = new List<string>
        {
            await MeasureAsync(page, "inbox (first 50 rows)", "/", () => Expect(page.Locator("#case-list tbody tr").Nth(49)).ToBeVisibleAsync()),
            await MeasureAsync(page, "case page (thread and controls)", $"/cases/{typical}", () => Expect(page.Locator("#field-status")).ToBeVisibleAsync()),
            await MeasureAsync(page, "investigation, one-subject case, all details", $"/cases/{typical}",
                () => Expect(subjects.First.Locator(details).First).ToBeVisibleAsync()),
            await MeasureAsync(page, "case page with the most subjects (thread and controls)", $"/cases/{heaviest}", () => Expect(page.Locator("#field-status")).ToBeVisibleAsync()),
            await MeasureAsync(page, $"investigation, case with the most subjects, first subject's details", $"/cases/{heaviest}",
                () => Expect(subjects.First.Locator(details).First).ToBeVisibleAsync()),
            await MeasureAsync(page, $"investigation, case with the most subjects, all details", $"/cases/{heaviest}", async () =>
            {
                await Expect(subjects.First).ToBeVisibleAsync();
                await Expect(page.Locator("#investigation [data-section=loading]")).ToHaveCountAsync(0);
            }),
        };
        await page.Context.CloseAsync();

        var report = string.Join(Environment.NewLine, figures.Concat(missing.Distinct()));
        TestContext.Current.SendDiagnosticMessage(report);
        Console.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "page-times.txt"), report + Environment.NewLine, TestContext.Current.CancellationToken);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    private static async Task<string> MeasureAsync(IPage page, string name, string url, Func<Task> shown)
    {
        // One visit first: the first render of a page pays for JIT and cold caches, which no agent sees twice.
        await page.GotoAsync(url);
        await shown();
        var times = new List<double>();
        for (var i = 0; i < Rounds; i++)
        {
            await page.GotoAsync("about:blank");
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(url);
            await shown();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"{name}: median {times[Rounds / 2]:0} ms, max {times[^1]:0} ms ({Rounds} loads)");
    }
}
