using Microsoft.Extensions.DependencyInjection;
using System.Net;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Email;

/// <summary>Every inbound email runs through the triage rules (message.received), as reports do, against both providers.</summary>
public abstract class EmailTriageTests(EmailApp app)
{
    [Fact]
    public async Task Email_WithSelfHarmLanguage_IsAnS1CrisisCaseWithTheRuleHitRecorded()
    {
        var id = Mail.NewId();

        await app.SendSmtpAsync(Mail.Text("Robin <robin.crisis@example.com>", "My account was banned",
            "They took everything from me. I just want to kill myself tonight.", id));

        var caseId = await app.CaseOfAsync(id);
        var detail = await app.GetCaseAsync(caseId);
        Assert.Equal("S1", detail.Str("severity"));
        Assert.Equal("crisis", detail.Str("queue"));
        Assert.Equal("safety.self_harm", detail.Str("category"));
        Assert.Contains("crisis", detail.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var hit = Assert.Single(detail.GetProperty("ruleHits").EnumerateArray(), h => h.Str("rule") == "self-harm disclosure");
        Assert.False(hit.GetProperty("shadow").GetBoolean());
        Assert.Equal("message.received", hit.Str("trigger"));
        Assert.Contains(hit.GetProperty("values").EnumerateArray(), v => v.GetString()!.Contains("kill myself", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(detail.GetProperty("messages").EnumerateArray(),
            m => m.Str("direction") == "internal" && m.Str("text").Contains("crisis playbook", StringComparison.Ordinal));
        Assert.Contains(detail.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "severity_changed");
    }

    [Fact]
    public async Task ProcessedEmail_TellsOpenConsoles_OnceItsCaseIsCommitted()
    {
        var id = Mail.NewId();
        var seen = new List<long[]>();
        void OnChanged(IReadOnlyCollection<long> ids)
        {
            lock (seen)
            {
                seen.Add(ids.ToArray());
            }
        }

        var changes = app.Factory.Services.GetRequiredService<TrustDesk.Cases.CaseChanges>();
        changes.Changed += OnChanged;
        long caseId;
        try
        {
            await app.PostRawAsync(Mail.Text("console.watch@example.com", "Seller never shipped", "Paid a week ago, nothing since.", id));
            caseId = await app.CaseOfAsync(id);

            // The signal follows the commit that made the case readable; give the publishing thread a moment.
            for (var i = 0; i < 50 && !Signalled(); i++)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }
        finally
        {
            changes.Changed -= OnChanged;
        }

        Assert.True(Signalled(), "no console was told about the email's case");

        bool Signalled()
        {
            lock (seen)
            {
                return seen.Any(ids => ids.Contains(caseId));
            }
        }
    }

    [Fact]
    public async Task PlainEmail_KeepsItsSeverityAndFiresNoRule()
    {
        var id = Mail.NewId();

        await app.PostRawAsync(Mail.Text("plain.triage@example.com", "Where is my parcel?", "Tracking has not moved for a week.", id));

        var detail = await app.GetCaseAsync(await app.CaseOfAsync(id));
        Assert.Equal("S3", detail.Str("severity"));
        Assert.Equal("triage", detail.Str("queue"));
        // The classifier may file the case's category (its hit says so); no rule fires, and nothing changes the severity.
        var hits = detail.GetProperty("ruleHits").EnumerateArray().ToList();
        Assert.All(hits, h => Assert.Equal("classifier", h.Str("rule")));
        Assert.DoesNotContain(hits, h => h.GetProperty("actions").EnumerateArray().Any(a => a.GetString()!.StartsWith("severity", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ReplyWithSelfHarmLanguage_RaisesItsExistingCaseToS1Crisis()
    {
        var first = Mail.NewId();
        await app.PostRawAsync(Mail.Text("reply.crisis@example.com", "Refund for a broken card", "The card arrived creased.", first));
        var caseId = await app.CaseOfAsync(first);
        var reply = await app.ReplyAsync(caseId, "We are sorry, could you send a photo?", "pending_user");
        var before = await app.GetCaseAsync(caseId);

        var answer = Mail.NewId();
        await app.PostRawAsync(Mail.Text("reply.crisis@example.com", "Re: " + reply.Subject, "honestly I want to die, this was my last money", answer, reply.MessageId));

        Assert.Equal(caseId, await app.CaseOfAsync(answer));
        var after = await app.GetCaseAsync(caseId);
        Assert.Equal(("S3", "triage"), (before.Str("severity"), before.Str("queue")));
        Assert.Equal(("S1", "crisis"), (after.Str("severity"), after.Str("queue")));
        Assert.Single(after.GetProperty("ruleHits").EnumerateArray(), h => h.Str("rule") == "self-harm disclosure");
    }

    [Fact]
    public async Task ShadowRuleOnMessages_RecordsItsHitAndChangesNothing()
    {
        var word = "zq" + Guid.NewGuid().ToString("N")[..8];
        var name = "email watch word " + word;
        var rule = $$"""
            - name: {{name}}
              on: message.received
              when: text ~ regex("{{word}}")
              then: [severity S1, queue crisis, tag {{word}}]
            """;
        await (await app.Api.PostJsonAsync("/api/v1/rules", new { text = rule, state = "shadow" })).ExpectAsync(HttpStatusCode.Created);
        var id = Mail.NewId();

        await app.PostRawAsync(Mail.Text("shadow.triage@example.com", "Question", $"Is {word} allowed on streams?", id));

        var detail = await app.GetCaseAsync(await app.CaseOfAsync(id));
        Assert.Equal("S3", detail.Str("severity"));
        Assert.Equal("triage", detail.Str("queue"));
        Assert.DoesNotContain(word, detail.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var hit = Assert.Single(detail.GetProperty("ruleHits").EnumerateArray());
        Assert.Equal(name, hit.Str("rule"));
        Assert.True(hit.GetProperty("shadow").GetBoolean());
    }
}

public sealed class SqliteEmailTriageTests(SqliteEmailApp app) : EmailTriageTests(app), IClassFixture<SqliteEmailApp>;

public sealed class PostgresEmailTriageTests(PostgresEmailApp app) : EmailTriageTests(app), IClassFixture<PostgresEmailApp>;
