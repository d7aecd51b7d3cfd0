using System.Net;
using TrustDesk.Tests.Email;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Triage;

/// <summary>
/// Triage of inbound email reads the sender's own words: the classifier and the rules see neither quoted history, nor a
/// reply's repeated subject, nor signatures, addresses and order numbers — against both providers, through the real
/// inbound endpoint.
/// </summary>
public abstract class EmailOwnWordsTriageTests(EmailApp app)
{
    [Fact]
    public async Task Reply_QuotingAnEarlierCrisis_DoesNotMakeTheCaseACrisisAgain()
    {
        var first = Mail.NewId();
        await app.PostRawAsync(Mail.Text("robin.quoted@example.com", "I can't do this anymore", "They took everything. I want to kill myself tonight.", first));
        var caseId = await app.CaseOfAsync(first);
        var crisis = await app.GetCaseAsync(caseId);
        // An agent spoke with the sender and judged it: S3 from now on.
        await (await app.Api.PatchJsonAsync($"/api/v1/cases/{caseId}", new { severity = "S3", queue = "triage" })).ExpectAsync(HttpStatusCode.OK);
        var reply = await app.ReplyAsync(caseId, "Thank you for talking with us. Is there anything else about the order?");

        var answer = Mail.NewId();
        await app.PostRawAsync(Mail.Text("robin.quoted@example.com", "Re: " + reply.Subject,
            "Thanks, I'm safe now, my sister is staying with me. The order can wait.\n\n"
            + "On Sat, 28 Nov 2026 at 12:00, Support <support@demo.trustdesk.test> wrote:\n> Thank you for talking with us.\n>\n"
            + "> On Sat, 28 Nov 2026 at 11:00, Robin <robin.quoted@example.com> wrote:\n>> They took everything. I want to kill myself tonight.\n",
            answer, reply.MessageId));

        Assert.Equal(caseId, await app.CaseOfAsync(answer));
        var after = await app.GetCaseAsync(caseId);
        Assert.Equal("S1", crisis.Str("severity"));
        Assert.Equal(("S3", "triage"), (after.Str("severity"), after.Str("queue")));
        Assert.Single(after.GetProperty("ruleHits").EnumerateArray(), h => h.Str("rule") == "self-harm disclosure");
        Assert.DoesNotContain(after.GetProperty("ruleHits").EnumerateArray(), h => h.Str("rule") == "classifier"
            && h.GetProperty("actions").EnumerateArray().Any(a => a.GetString() == "severity S1"));
    }

    [Fact]
    public async Task Email_CrisisInOwnWordsWithoutLexiconPhrases_IsS1InTheCrisisQueueAndSaysWhy()
    {
        var id = Mail.NewId();

        await app.PostRawAsync(Mail.Text("sam.ownwords@example.com", "about my account",
            "no one would even notice if i disappeared, i've been stockpiling my meds\n\nSent from my iPhone", id));

        var detail = await app.GetCaseAsync(await app.CaseOfAsync(id));
        Assert.Equal(("S1", "crisis"), (detail.Str("severity"), detail.Str("queue")));
        var hit = Assert.Single(detail.GetProperty("ruleHits").EnumerateArray(), h => h.Str("rule") == "classifier");
        var values = hit.GetProperty("values").EnumerateArray().Select(v => v.GetString()!).ToList();
        Assert.Contains(values, v => v.StartsWith("evidence = ", StringComparison.Ordinal));
        Assert.Contains("severity S1", hit.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Email_OrdinaryQuestionWithSignatureOrderNumberAndQuotedWarning_StaysS3WithoutRuleOrModelSeverity()
    {
        var id = Mail.NewId();

        await app.PostRawAsync(Mail.Text("jane.ham@example.com", "Order A-1488-2231",
            "Hi, could you tell me when order A-1488-2231 ships? Tracking 1Z999AA10123456784 has not moved.\n\n"
            + "Thanks,\nJane Doe\njane.doe@gmail.com\n+1 (555) 201-3344\n\n"
            + "On Mon, Dec 1, 2025 at 9:14 AM Support <support@demo.trustdesk.test> wrote:\n"
            + "> Never pay by cash app or gift card, and never give anyone your password.\n", id));

        var detail = await app.GetCaseAsync(await app.CaseOfAsync(id));
        Assert.Equal(("S3", "triage"), (detail.Str("severity"), detail.Str("queue")));
        Assert.DoesNotContain(detail.GetProperty("ruleHits").EnumerateArray(),
            h => h.GetProperty("actions").EnumerateArray().Any(a => a.GetString()!.StartsWith("severity", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Email_TheSenderWritesTheirOwnAddress_IsNoOffPlatformCase()
    {
        var id = Mail.NewId();

        await app.PostRawAsync(Mail.Text("lee.ownaddress@example.com", "cannot sign in",
            "Hi, I can't sign in. My account is lee.ownaddress@example.com, could you send the reset link there?", id));

        var detail = await app.GetCaseAsync(await app.CaseOfAsync(id));
        Assert.NotEqual("S2", detail.Str("severity"));
        Assert.NotEqual("S1", detail.Str("severity"));
        Assert.DoesNotContain(detail.GetProperty("ruleHits").EnumerateArray(), h => h.Str("rule") == "off-platform payment or contact details");
    }
}

public sealed class SqliteEmailOwnWordsTriageTests(SqliteEmailApp app) : EmailOwnWordsTriageTests(app), IClassFixture<SqliteEmailApp>;

public sealed class PostgresEmailOwnWordsTriageTests(PostgresEmailApp app) : EmailOwnWordsTriageTests(app), IClassFixture<PostgresEmailApp>;
