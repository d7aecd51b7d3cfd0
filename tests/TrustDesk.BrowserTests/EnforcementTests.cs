using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TrustDesk.BrowserTests.Infrastructure;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Email;
using TrustDesk.Enforcement;
using TrustDesk.Identity;
using TrustDesk.Subjects;
using TrustDesk.Webhooks;
using static Microsoft.Playwright.Assertions;

namespace TrustDesk.BrowserTests;

public sealed class EnforcementTests(ConsoleServer server)
{
    /// <summary>
    /// The done-when flow in the browser: a Lead takes a 30-day suspension from the case page, the Admin approves it on the
    /// approvals page, the platform's endpoint receives a signed action.executed, the seller appeals through the signed
    /// link, a Specialist overturns on the appeal's case page, action.reversed goes out and the strike is gone.
    /// </summary>
    [Fact]
    public async Task Suspension_ProposedApprovedAppealedOverturned_InTheConsole()
    {
        var received = new ConcurrentQueue<(string Id, string Timestamp, string Signature, string Body)>();
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        await using var receiver = builder.Build();
        receiver.MapPost("/hooks", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            received.Enqueue((http.Request.Headers["webhook-id"].ToString(), http.Request.Headers["webhook-timestamp"].ToString(),
                http.Request.Headers["webhook-signature"].ToString(), await reader.ReadToEndAsync()));
            return Results.Ok();
        });
        await receiver.StartAsync(TestContext.Current.CancellationToken);
        var (caseId, seller, secret) = await ArrangeAsync($"http://127.0.0.1:{port}/hooks");

        var lead = await server.SignedInPageAsync(UserRole.Lead);
        await lead.GotoAsync($"/cases/{caseId}");
        await lead.Locator("#take-action").ClickAsync();
        await lead.Locator("#action-kind").SelectOptionAsync("suspend_account");
        await lead.Locator("#action-subject").SelectOptionAsync($"Account:{seller}");
        await lead.Locator("#action-policy").FillAsync("payments.off_platform");
        await lead.Locator("#action-duration").FillAsync("30");
        await lead.Locator("#action-reason").FillAsync("Asked buyers in chat to pay by bank transfer.");
        await lead.Locator("#take-action-submit").ClickAsync();
        await Expect(lead.Locator("#actions [data-action=suspend_account]")).ToHaveAttributeAsync("data-action-status", "pending_approval");
        await Expect(lead.Locator("#timeline, #thread").Locator("[data-event=action_proposed]").First).ToBeVisibleAsync();

        var admin = await server.SignedInPageAsync(UserRole.Admin);
        await admin.GotoAsync("/approvals");
        var pending = admin.Locator($"#pending-actions [data-action=suspend_account]").Filter(new() { HasText = seller });
        await pending.Locator("[data-approve-action]").ClickAsync();
        await Expect(pending).ToHaveCountAsync(0);

        var executed = await WaitForAsync(received, "action.executed");
        Assert.True(Verify(secret, executed), "action.executed signature");
        var actionId = JsonDocument.Parse(executed.Body).RootElement.GetProperty("data").GetProperty("actionId").GetGuid();
        await lead.ReloadAsync();
        await Expect(lead.Locator($"[data-subject='account:{seller}'] [data-standing]")).ToHaveAttributeAsync("data-active-strikes", "1");

        // The seller's statement of reasons went out by email, with the signed appeal link the seller follows.
        var statement = await EmailedStatementAsync(caseId, $"{seller}@seller.example");
        var link = AppealLink(statement);

        var sellerPage = await (await server.NewContextAsync()).NewPageAsync();
        await sellerPage.GotoAsync("/appeal" + new Uri(link).Query);
        await sellerPage.Locator("#statement").FillAsync("I never asked anyone to pay outside the app.");
        await sellerPage.Locator("#submit-appeal").ClickAsync();
        await Expect(sellerPage.Locator("#appeal-received")).ToBeVisibleAsync();

        long appealCaseId;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            appealCaseId = await scope.ServiceProvider.GetRequiredService<TrustDeskDb>().Appeals.Where(a => a.ActionId == actionId).Select(a => a.CaseId).FirstAsync(TestContext.Current.CancellationToken);
        }

        var specialist = await server.SignedInPageAsync(UserRole.Specialist);
        await specialist.GotoAsync($"/cases/{appealCaseId}");
        await specialist.Locator("#appeal-overturn").ClickAsync();
        await Expect(specialist.Locator("#appeal")).ToHaveAttributeAsync("data-appeal-status", "overturned");
        await specialist.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("appeal-overturned.png") });

        var reversed = await WaitForAsync(received, "action.reversed");
        Assert.True(Verify(secret, reversed), "action.reversed signature");
        await lead.ReloadAsync();
        await Expect(lead.Locator("#actions [data-action=suspend_account]")).ToHaveAttributeAsync("data-action-status", "reversed");
        await Expect(lead.Locator($"[data-subject='account:{seller}'] [data-standing]")).ToHaveAttributeAsync("data-active-strikes", "0");
        await Expect(lead.Locator("[data-event=action_reversed]").First).ToBeVisibleAsync();
        foreach (var page in new[] { lead, admin, specialist, sellerPage })
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>
    /// A rule's proposal in the browser: a seller's late shipments make the default pack open a case proposing an automatic
    /// warning; a Specialist approves it on the case page; the warning is approved, the case's timeline says so, and the
    /// seller's statement of reasons is emailed with its appeal link.
    /// </summary>
    [Fact]
    public async Task RuleProposedWarning_ApprovedOnTheCasePage_SellerGetsTheStatementByEmail()
    {
        var api = server.ApiClient();
        var seller = $"u-{Guid.NewGuid():N}"[..14];
        (await api.PutAsync($"/api/v1/subjects/account/{seller}", JsonBody(new { displayName = "Seller " + seller, identifiers = new[] { new { type = "email", value = $"{seller}@seller.example" } } }), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        var now = DateTimeOffset.UtcNow;
        var events = new List<object>();
        for (var i = 0; i < 20; i++)
        {
            events.Add(PlatformEvent("order.placed", now.AddDays(-i % 10 - 1), ("order", $"o-{Guid.NewGuid():N}", "order"), ("account", seller, "seller")));
        }

        for (var i = 0; i < 3; i++)
        {
            events.Add(PlatformEvent("shipment.late", now.AddMinutes(-i), ("shipment", $"sh-{Guid.NewGuid():N}", "shipment"), ("account", seller, "seller")));
        }

        (await api.PostAsync("/api/v1/events", JsonBody(events), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        var caseId = await CaseAboutAsync(seller);

        var specialist = await server.SignedInPageAsync(UserRole.Specialist);
        await specialist.GotoAsync($"/cases/{caseId}");
        var proposal = specialist.Locator("#proposals [data-proposal=warn]");
        await Expect(proposal).ToBeVisibleAsync();
        // Clicked once the page is live: a click on the prerendered page, before its circuit connects, does nothing.
        await Expect(specialist.Locator("#composer-text[data-draft-loaded]")).ToBeVisibleAsync();
        await proposal.Locator("[data-accept-proposal=warn]").ClickAsync();
        // Approved: the platform is told (action.executed is its confirmation, which this platform has no endpoint to send).
        await Expect(specialist.Locator("#actions [data-action=warn]")).ToHaveAttributeAsync("data-action-status", "approved");
        await Expect(specialist.Locator("#proposals [data-proposal=warn]")).ToHaveCountAsync(0);
        await Expect(specialist.Locator("[data-event=action_approved]").First).ToBeVisibleAsync();

        var statement = await EmailedStatementAsync(caseId, $"{seller}@seller.example");
        Assert.Contains("Automated means were used to detect this", statement, StringComparison.Ordinal);
        Assert.Contains("(order.late_shipment)", statement, StringComparison.Ordinal);
        Assert.StartsWith("/appeal?action=", new Uri(AppealLink(statement)).PathAndQuery, StringComparison.Ordinal);
        await specialist.Context.CloseAsync();
    }

    private static object PlatformEvent(string type, DateTimeOffset at, params (string Kind, string ExternalId, string Role)[] subjects) =>
        new { id = "evt-" + Guid.NewGuid(), type, occurredAt = at, subjects = subjects.Select(s => new { kind = s.Kind, externalId = s.ExternalId, role = s.Role }) };

    /// <summary>The case the rules opened about the account (events are processed after they are acknowledged).</summary>
    private async Task<long> CaseAboutAsync(string externalId)
    {
        for (var i = 0; i < 300; i++)
        {
            await using (var scope = server.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
                var subjectId = await db.Subjects.Where(s => s.ExternalId == externalId).Select(s => s.Id).FirstOrDefaultAsync();
                var caseId = await db.CaseSubjects.Where(cs => cs.SubjectId == subjectId).Select(cs => (long?)cs.CaseId).FirstOrDefaultAsync();
                if (caseId is { } found)
                {
                    return found;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No case about {externalId} was opened.");
    }

    /// <summary>The text of the statement of reasons queued by email to the address from the case.</summary>
    private async Task<string> EmailedStatementAsync(long caseId, string address)
    {
        for (var i = 0; i < 300; i++)
        {
            await using (var scope = server.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
                var text = await db.OutboundEmails.Where(e => e.CaseId == caseId && e.ToAddress == address).Select(e => e.Text).FirstOrDefaultAsync();
                if (text is not null)
                {
                    return text;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No statement was emailed to {address}.");
    }

    private static string AppealLink(string statement) =>
        System.Text.RegularExpressions.Regex.Match(statement, @"https?://\S+/appeal\?\S+").Value is { Length: > 0 } link
            ? link
            : throw new Xunit.Sdk.XunitException("The emailed statement holds no appeal link:\n" + statement);

    /// <summary>A visible demo case about a seller account, a webhook endpoint for the receiver, and a fresh seller with an email.</summary>
    private async Task<(long CaseId, string Seller, string Secret)> ArrangeAsync(string url)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var now = DateTime.UtcNow;
        var endpoint = new WebhookEndpoint(url, [WebhookEvents.ActionExecuted, WebhookEvents.ActionReversed], "test", now);
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync();
        scope.ServiceProvider.GetRequiredService<WebhookOutbox>().Invalidate();

        var api = server.ApiClient();
        var seller = $"u-{Guid.NewGuid():N}"[..14];
        (await api.PutAsync($"/api/v1/subjects/account/{seller}", JsonBody(new { displayName = "Seller " + seller, identifiers = new[] { new { type = "email", value = $"{seller}@seller.example" } } }))).EnsureSuccessStatusCode();
        var report = await api.PostAsync("/api/v1/reports", JsonBody(new
        {
            subject = new { kind = "account", externalId = seller }, category = "payments.off_platform", text = "Wants payment by bank transfer.",
        }));
        report.EnsureSuccessStatusCode();
        var caseId = JsonDocument.Parse(await report.Content.ReadAsStringAsync()).RootElement.GetProperty("caseId").GetInt64();
        return (caseId, seller, endpoint.Secret);
    }

    private static StringContent JsonBody(object body) => new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");

    private static async Task<(string Id, string Timestamp, string Signature, string Body)> WaitForAsync(
        ConcurrentQueue<(string Id, string Timestamp, string Signature, string Body)> received, string type)
    {
        for (var i = 0; i < 300; i++)
        {
            if (received.FirstOrDefault(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString() == type) is { Id.Length: > 0 } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No {type} webhook arrived.");
    }

    /// <summary>Standard Webhooks, checked with our own HMAC rather than the package the app signs with.</summary>
    private static bool Verify(string secret, (string Id, string Timestamp, string Signature, string Body) r)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{r.Id}.{r.Timestamp}.{r.Body}")));
        return r.Signature.Split(' ').Contains(expected);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
