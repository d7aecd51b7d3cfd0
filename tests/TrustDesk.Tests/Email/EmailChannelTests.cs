using TrustDesk.Cases;
using System.Diagnostics;
using System.Net;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Email;

/// <summary>The email channel end to end, run against both providers: in by SMTP and HTTP, out through the relay, and back.</summary>
public abstract class EmailChannelTests(EmailApp app)
{
    [Fact]
    public async Task Swaks_ToListener_BecomesEmailCaseReadableThroughCasesApi()
    {
        var subject = Mail.Unique("Parcel never arrived");
        var start = new ProcessStartInfo("swaks",
            ["--server", "127.0.0.1", "--port", app.SmtpPort.ToString(), "--from", "buyer.swaks@example.com", "--to", EmailApp.Support,
             "--header", $"Subject: {subject}", "--body", "My order o-20001 never arrived, tracking stopped a week ago."])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var swaks = Process.Start(start)!;
        var output = await swaks.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await swaks.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(swaks.ExitCode == 0, output);
        Assert.Contains("250 2.0.0 Stored", output, StringComparison.Ordinal);
        var id = await WaitForCaseTitledAsync(subject);
        var detail = await app.GetCaseAsync(id);
        Assert.Equal("email", detail.Str("channel"));
        Assert.Equal("new", detail.Str("status"));
        var message = Assert.Single(detail.GetProperty("messages").EnumerateArray());
        Assert.Equal("inbound", message.Str("direction"));
        Assert.Equal("email", message.Str("channel"));
        Assert.Contains("never arrived", message.Str("text"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentReply_ArrivesAtRelayWithThreadingHeaders_AndUserReplyJoinsTheCase()
    {
        var first = Mail.NewId();
        await app.SendSmtpAsync(Mail.Text("Dana Buyer <dana.thread@example.com>", "Counterfeit sneakers", "The Jordans I got are fake.", first));
        var caseId = await app.CaseOfAsync(first);

        var reply = await app.ReplyAsync(caseId, "Thanks Dana, please send photos of the SKU label.", "pending_user");

        Assert.Equal($"Re: Counterfeit sneakers [TD-{caseId}]", reply.Subject);
        Assert.Equal(first, reply.InReplyTo);
        Assert.Equal([first], reply.References.ToArray());
        Assert.Equal("dana.thread@example.com", reply.To.Mailboxes.Single().Address);
        Assert.Equal(EmailApp.Support, reply.From.Mailboxes.Single().Address);
        Assert.Contains("SKU label", reply.TextBody, StringComparison.Ordinal);
        Assert.Contains("SKU label", reply.HtmlBody, StringComparison.Ordinal);

        var answer = Mail.NewId();
        await app.SendSmtpAsync(Mail.Text("Dana Buyer <dana.thread@example.com>", "Re: " + reply.Subject, "Photos attached.\n\nOn Sat, Nov 28, 2026 TrustDesk wrote:\n> please send photos",
            answer, reply.MessageId, $"<{first}> <{reply.MessageId}>"));

        Assert.Equal(caseId, await app.CaseOfAsync(answer));
        var detail = await app.GetCaseAsync(caseId);
        Assert.Equal("open", detail.Str("status"));
        var messages = detail.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(3, messages.Count);
        Assert.Equal("sent", messages[1].Str("deliveryState"));
        Assert.Equal("Photos attached.", messages[2].Str("text"));
        Assert.Contains("please send photos", messages[2].Str("quotedText"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InboundEndpoint_SameMessageTwice_StoresOnceAndAnswersDuplicate()
    {
        var id = Mail.NewId();
        var raw = Mail.Text("relay.user@example.com", "Posted by a relay", "Hello from an email service.", id);

        var first = await app.PostRawAsync(raw);
        var second = await app.PostRawAsync(raw);

        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.True(second.GetProperty("duplicate").GetBoolean());
        Assert.Equal(first.Str("id"), second.Str("id"));
        var caseId = await app.CaseOfAsync(id);
        Assert.Single((await app.GetCaseAsync(caseId)).GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task ReplyToSolvedCase_WithinReopenWindow_ReopensIt()
    {
        var first = Mail.NewId();
        await app.PostRawAsync(Mail.Text("solved.user@example.com", "Refund question", "When do I get my refund?", first));
        var caseId = await app.CaseOfAsync(first);
        var reply = await app.ReplyAsync(caseId, "It was issued today.", "solved");

        var again = Mail.NewId();
        await app.PostRawAsync(Mail.Text("solved.user@example.com", "Re: " + reply.Subject, "It has not arrived.", again, reply.MessageId));

        Assert.Equal(caseId, await app.CaseOfAsync(again));
        Assert.Equal("reopened_case", (await app.WaitProcessedAsync(again)).Outcome);
        Assert.Equal("open", (await app.GetCaseAsync(caseId)).Str("status"));
    }

    [Fact]
    public async Task ReplyToClosedCase_OpensNewCaseLinkedToTheOld()
    {
        var first = Mail.NewId();
        await app.PostRawAsync(Mail.Text("closed.user@example.com", "Seller never shipped", "Nothing after 10 days.", first));
        var caseId = await app.CaseOfAsync(first);
        var reply = await app.ReplyAsync(caseId, "We refunded you.", "solved");
        await (await app.Api.PatchJsonAsync($"/api/v1/cases/{caseId}", new { status = "closed" })).ExpectAsync(HttpStatusCode.OK);

        var again = Mail.NewId();
        await app.PostRawAsync(Mail.Text("closed.user@example.com", "Re: " + reply.Subject, "The same seller did it again.", again, reply.MessageId));

        var newCaseId = await app.CaseOfAsync(again);
        Assert.NotEqual(caseId, newCaseId);
        var detail = await app.GetCaseAsync(newCaseId);
        Assert.Equal(caseId, detail.GetProperty("linkedCaseId").GetInt64());
        Assert.Equal("email", detail.Str("channel"));
        Assert.Equal("closed", (await app.GetCaseAsync(caseId)).Str("status"));
    }

    [Fact]
    public async Task AutoReply_JoinsItsCaseWithoutReopening_AndNeverOpensACase()
    {
        var first = Mail.NewId();
        await app.PostRawAsync(Mail.Text("ooo.user@example.com", "Chargeback", "I disputed the charge.", first));
        var caseId = await app.CaseOfAsync(first);
        var reply = await app.ReplyAsync(caseId, "We are looking into it.", "solved");

        var outOfOffice = Mail.NewId();
        await app.PostRawAsync(Mail.Text("ooo.user@example.com", "Automatic reply: " + reply.Subject, "I am away until Monday.", outOfOffice, reply.MessageId,
            null, "Auto-Submitted: auto-replied"));
        var stray = Mail.NewId();
        await app.PostRawAsync(Mail.Text("newsletter@example.com", "Weekly deals", "Big sale!", stray, null, null, "Precedence: bulk"));

        Assert.Equal("auto_reply_joined", (await app.WaitProcessedAsync(outOfOffice)).Outcome);
        Assert.Equal("solved", (await app.GetCaseAsync(caseId)).Str("status"));
        var strayRow = await app.WaitProcessedAsync(stray);
        Assert.Equal("set_aside", strayRow.State);
        Assert.Equal("bulk", strayRow.Outcome);
        Assert.Null(strayRow.CaseId);
    }

    [Fact]
    public async Task Bounce_ForOurReply_MarksTheMessageFailedWithTheReason()
    {
        var first = Mail.NewId();
        await app.PostRawAsync(Mail.Text("bounce.user@example.com", "Account hacked", "Someone changed my payout bank.", first));
        var caseId = await app.CaseOfAsync(first);
        var reply = await app.ReplyAsync(caseId, "We locked the account.");

        var dsn = Mail.NewId("mx.example.com");
        await app.PostRawAsync($"""
            From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
            To: {EmailApp.Support}
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <{dsn}>
            Auto-Submitted: auto-replied
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            Your message could not be delivered.
            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.com

            Final-Recipient: rfc822; bounce.user@example.com
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 user unknown

            --B
            Content-Type: text/rfc822-headers

            Message-ID: <{reply.MessageId}>
            Subject: {reply.Subject}

            --B--
            """.ReplaceLineEndings("\r\n"));

        Assert.Equal("bounce", (await app.WaitProcessedAsync(dsn)).Outcome);
        var detail = await app.GetCaseAsync(caseId);
        var sent = detail.GetProperty("messages").EnumerateArray().Single(m => m.Str("direction") == "outbound");
        Assert.Equal("failed", sent.Str("deliveryState"));
        Assert.Contains("user unknown", sent.Str("deliveryError"), StringComparison.Ordinal);
        Assert.Contains(detail.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "delivery_failed");
    }

    [Fact]
    public async Task HeaderInjection_ThroughSubjectAndName_CannotAddHeadersOrRecipients()
    {
        // The subject decodes to "Help\r\nBcc: victim@evil.example"; the name carries an encoded CRLF too.
        var first = Mail.NewId();
        await app.PostRawAsync(Mail.Text("=?utf-8?b?RXZlClRvOiB2aWN0aW1AZXZpbC5leGFtcGxl?= <inject.user@example.com>",
            "=?utf-8?b?SGVscA0KQmNjOiB2aWN0aW1AZXZpbC5leGFtcGxl?=", "Please help.", first));
        var caseId = await app.CaseOfAsync(first);

        var reply = await app.ReplyAsync(caseId, "On it.\r\nBcc: other@evil.example");

        Assert.Equal("inject.user@example.com", reply.Headers["X-Sink-Recipients"]);
        Assert.Single(reply.To.Mailboxes);
        Assert.Empty(reply.Bcc);
        Assert.Empty(reply.Cc);
        Assert.DoesNotContain(reply.Headers, h => h.Field.Equals("Bcc", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(1, reply.Headers.Count(h => h.Field.Equals("Subject", StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain('\n', reply.Subject!);
        Assert.DoesNotContain('\r', reply.Subject!);
        Assert.Contains("victim@evil.example", reply.Subject, StringComparison.Ordinal);
    }

    private async Task<long> WaitForCaseTitledAsync(string title)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var id = await app.Factory.WithDbAsync(async db =>
                await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
                    db.Cases.Where(c => c.Title == title).Select(c => (long?)c.Id)));
            if (id is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No case titled {title}.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}

public sealed class SqliteEmailChannelTests(SqliteEmailApp app) : EmailChannelTests(app), IClassFixture<SqliteEmailApp>;

public sealed class PostgresEmailChannelTests(PostgresEmailApp app) : EmailChannelTests(app), IClassFixture<PostgresEmailApp>;
