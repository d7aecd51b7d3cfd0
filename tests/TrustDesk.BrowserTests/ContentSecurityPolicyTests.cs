using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TrustDesk.BrowserTests.Infrastructure;
using TrustDesk.Identity;
using static Microsoft.Playwright.Assertions;

namespace TrustDesk.BrowserTests;

/// <summary>
/// The console works under its Content-Security-Policy (scripts from this origin only, no inline script, no framing):
/// Chromium reports every blocked script, style, connection or handler as a securitypolicyviolation event.
/// </summary>
public sealed class ContentSecurityPolicyTests(ConsoleServer server)
{
    // Injected by the browser itself (DevTools protocol), so the policy does not apply to it.
    private const string RecordViolations =
        "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));";

    [Fact]
    public async Task SignInInboxCaseAndSignOut_UnderThePolicy_NothingIsBlocked()
    {
        var specialist = server.User(UserRole.Specialist);
        await using var context = await server.NewContextAsync();
        await context.AddInitScriptAsync(RecordViolations);
        var violations = new List<string>();
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                violations.Add(message.Text);
            }
        };
        async Task CollectAsync() => violations.AddRange(await page.EvaluateAsync<string[]>("window.__cspViolations || []"));

        var first = await page.GotoAsync("/signin");
        Assert.Contains("script-src 'self';", first!.Headers["content-security-policy"], StringComparison.Ordinal);
        await page.GetByLabel("Email").FillAsync(specialist.Email);
        await page.GetByLabel("Password").FillAsync(specialist.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#case-list tbody tr").First).ToBeVisibleAsync();
        await CollectAsync();

        await page.Keyboard.PressAsync("n");
        await Expect(page).ToHaveURLAsync(new Regex(@"/cases/\d+$"));
        await Expect(page.Locator("#composer-text")).ToBeVisibleAsync();
        // The shortcut help opens from a button that used to carry an inline onclick handler.
        await page.Locator("button.td-shortcuts").ClickAsync();
        await Expect(page.Locator("#shortcut-help")).ToBeVisibleAsync();
        await CollectAsync();

        await page.Locator("#sign-out").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
        await CollectAsync();

        Assert.True(violations.Count == 0, "Blocked by the Content-Security-Policy: " + string.Join(" | ", violations));
    }
}
